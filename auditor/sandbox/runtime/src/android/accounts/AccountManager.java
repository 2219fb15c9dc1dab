package android.accounts;

import android.app.Activity;
import android.content.Context;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;

import java.util.concurrent.TimeUnit;

/**
 * Accounts. Since Android 8 an app sees only accounts made visible to it: none, on this sandbox device, and no
 * authenticator of the app's own; secrets of other authenticators' accounts are refused, as on Android.
 */
public class AccountManager {
    public static final String KEY_AUTHTOKEN = "authtoken";

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

    public Account[] getAccountsByTypeForPackage(String type, String packageName) {
        return new Account[0];
    }

    public AccountManagerFuture<Account[]> getAccountsByTypeAndFeatures(String type, String[] features,
            AccountManagerCallback<Account[]> callback, Handler handler) {
        if (type == null) {
            throw new IllegalArgumentException("type is null");
        }
        return Result.completed(new Account[0], callback, handler);
    }

    private static SecurityException notAuthenticator(Account account) {
        return new SecurityException("caller uid " + android.os.Process.myUid() + " is different than the"
                + " authenticator's uid");
    }

    public String getUserData(Account account, String key) {
        if (account == null || key == null) {
            throw new IllegalArgumentException("account or key is null");
        }
        throw notAuthenticator(account);
    }

    public String getPassword(Account account) {
        if (account == null) {
            throw new IllegalArgumentException("account is null");
        }
        throw notAuthenticator(account);
    }

    public String peekAuthToken(Account account, String authTokenType) {
        if (account == null || authTokenType == null) {
            throw new IllegalArgumentException("account or authTokenType is null");
        }
        throw notAuthenticator(account);
    }

    /** No authenticator for the account's type is installed: the future fails, as on Android. */
    public AccountManagerFuture<Bundle> getAuthToken(Account account, String authTokenType, Bundle options,
            Activity activity, AccountManagerCallback<Bundle> callback, Handler handler) {
        return Result.failed(account, callback, handler);
    }

    @Deprecated
    public AccountManagerFuture<Bundle> getAuthToken(Account account, String authTokenType,
            boolean notifyAuthFailure, AccountManagerCallback<Bundle> callback, Handler handler) {
        return Result.failed(account, callback, handler);
    }

    public AccountManagerFuture<Bundle> getAuthToken(Account account, String authTokenType, Bundle options,
            boolean notifyAuthFailure, AccountManagerCallback<Bundle> callback, Handler handler) {
        return Result.failed(account, callback, handler);
    }

    public String blockingGetAuthToken(Account account, String authTokenType, boolean notifyAuthFailure)
            throws OperationCanceledException, java.io.IOException, AuthenticatorException {
        Bundle bundle = getAuthToken(account, authTokenType, notifyAuthFailure, null, null).getResult();
        return bundle == null ? null : bundle.getString(KEY_AUTHTOKEN);
    }

    /** A finished future, handed to the callback on the handler's (or the main) thread. */
    private static final class Result<V> implements AccountManagerFuture<V> {
        private final V value;
        private final AuthenticatorException error;

        private Result(V value, AuthenticatorException error) {
            this.value = value;
            this.error = error;
        }

        static <V> Result<V> completed(V value, AccountManagerCallback<V> callback, Handler handler) {
            return deliver(new Result<>(value, null), callback, handler);
        }

        static Result<Bundle> failed(Account account, AccountManagerCallback<Bundle> callback, Handler handler) {
            if (account == null) {
                throw new IllegalArgumentException("account is null");
            }
            AuthenticatorException error = new AuthenticatorException("bind failure: no authenticator for "
                    + account.type);
            return deliver(new Result<>(null, error), callback, handler);
        }

        private static <V> Result<V> deliver(Result<V> result, AccountManagerCallback<V> callback, Handler handler) {
            if (callback != null) {
                Handler target = handler != null ? handler : new Handler(Looper.getMainLooper());
                target.post(() -> callback.run(result));
            }
            return result;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public V getResult() throws OperationCanceledException, java.io.IOException, AuthenticatorException {
            if (error != null) {
                throw error;
            }
            return value;
        }

        @Override
        public V getResult(long timeout, TimeUnit unit)
                throws OperationCanceledException, java.io.IOException, AuthenticatorException {
            return getResult();
        }
    }
}
