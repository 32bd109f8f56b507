/**
 * The Users panel's dialogs, loaded together on first use (widget/lazy.ts): one chunk compresses
 * better than three (about 1 KB less gzip -9, decision 031), and an administrator who opens one
 * of them is likely to open another. The confirm dialog stays apart (the API tokens panel uses it
 * too), and so does the bulk invitation (only "Invite several" needs it).
 */
import './invite-user-dialog.ts';
import './edit-user-dialog.ts';
import './user-logins-dialog.ts';
