package android.accounts;

import android.content.Context;

/** Since Android 8 an app sees only accounts made visible to it: none, on this sandbox device. */
public class AccountManager {
    /** @hide */
    public AccountManager(Context context) {
    }

    public static AccountManager get(Context context) {
        return (AccountManager) context.getSystemService(Context.ACCOUNT_SERVICE);
    }

    public Account[] getAccounts() {
        return new Account[0];
    }

    public Account[] getAccountsByType(String type) {
        return new Account[0];
    }
}
