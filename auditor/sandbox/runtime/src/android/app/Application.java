package android.app;

import android.content.ContextWrapper;

public class Application extends ContextWrapper {
    public Application() {
        super(null);
    }

    /** @hide Called by the runtime: gives the application its base context. */
    final void attach(ContextImpl context) {
        attachBaseContext(context);
    }

    public void onCreate() {
    }

    public void onTerminate() {
    }
}
