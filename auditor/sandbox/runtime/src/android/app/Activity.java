package android.app;

import android.content.ComponentName;
import android.content.Intent;
import android.os.Bundle;
import android.os.Looper;
import android.view.ContextThemeWrapper;
import android.view.View;
import android.util.Log;
import consentaudit.sandbox.PermissionController;
import consentaudit.sandbox.WindowManagerImpl;

public class Activity extends ContextThemeWrapper {
    private static final int CREATED = 1;
    private static final int STARTED = 2;
    private static final int RESUMED = 3;
    private static final int PAUSED = 4;
    private static final int STOPPED = 5;
    private static final int DESTROYED = 6;

    private ActivityThread mThread;
    private Application mApplication;
    private Intent mIntent;
    private ComponentName mComponent;
    private CharSequence mTitle;
    private View mContentView;
    private int mState;
    private boolean mFinished;

    public Activity() {
        super(null);
    }

    final void attach(ContextImpl context, ActivityThread thread, Intent intent, Application application,
            ComponentName component) {
        attachBaseContext(context);
        mThread = thread;
        mIntent = intent;
        mApplication = application;
        mComponent = component;
    }

    // ---- life cycle, overridden by apps

    protected void onCreate(Bundle savedInstanceState) {
    }

    protected void onStart() {
    }

    protected void onRestart() {
    }

    protected void onResume() {
    }

    protected void onPause() {
    }

    protected void onStop() {
    }

    protected void onDestroy() {
    }

    public void onBackPressed() {
        finish();
    }

    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
    }

    // ---- called by ActivityThread, in Android's order

    final void performCreate(Bundle state) {
        ActivityThread.lifecycle(this, "onCreate");
        mState = CREATED;
        onCreate(state);
    }

    final void performStart() {
        ActivityThread.lifecycle(this, "onStart");
        mState = STARTED;
        onStart();
    }

    final void performRestart() {
        ActivityThread.lifecycle(this, "onRestart");
        onRestart();
    }

    final void performResume() {
        ActivityThread.lifecycle(this, "onResume");
        mState = RESUMED;
        onResume();
    }

    final void performPause() {
        ActivityThread.lifecycle(this, "onPause");
        mState = PAUSED;
        onPause();
    }

    final void performStop() {
        ActivityThread.lifecycle(this, "onStop");
        mState = STOPPED;
        onStop();
    }

    final void performDestroy() {
        ActivityThread.lifecycle(this, "onDestroy");
        mState = DESTROYED;
        onDestroy();
    }

    final boolean isResumedState() {
        return mState == RESUMED;
    }

    /** Visible: started, resumed or paused. */
    final boolean isStartedState() {
        return mState == STARTED || mState == RESUMED || mState == PAUSED;
    }

    final boolean isStoppedState() {
        return mState == STOPPED;
    }

    // ---- the public Activity API

    public void setContentView(View view) {
        mContentView = view;
        WindowManagerImpl.get().setActivityContent(this, view);
    }

    public <T extends View> T findViewById(int id) {
        return mContentView == null ? null : mContentView.findViewById(id);
    }

    public void setTitle(CharSequence title) {
        mTitle = title;
        WindowManagerImpl.get().setActivityTitle(this, title);
    }

    public CharSequence getTitle() {
        return mTitle;
    }

    public Intent getIntent() {
        return mIntent;
    }

    public void setIntent(Intent intent) {
        mIntent = intent;
    }

    public final Application getApplication() {
        return mApplication;
    }

    public ComponentName getComponentName() {
        return mComponent;
    }

    public void finish() {
        if (mFinished) {
            return;
        }
        mFinished = true;
        mThread.handler().post(() -> mThread.finishActivity(this));
    }

    public boolean isFinishing() {
        return mFinished;
    }

    public boolean isDestroyed() {
        return mState == DESTROYED;
    }

    public final void runOnUiThread(Runnable action) {
        if (Looper.getMainLooper().isCurrentThread()) {
            action.run();
        } else {
            mThread.handler().post(action);
        }
    }

    /** Activities start activities themselves (through Instrumentation on Android), not through ContextImpl. */
    @Override
    public void startActivity(Intent intent) {
        startActivity(intent, null);
    }

    @Override
    public void startActivity(Intent intent, Bundle options) {
        mThread.startActivity(intent);
    }

    public final void requestPermissions(String[] permissions, int requestCode) {
        if (requestCode < 0) {
            throw new IllegalArgumentException("requestCode should be >= 0");
        }
        if (PermissionController.get().isAsking(this)) {
            Log.w("Activity", "Can request only one set of permissions at a time");
            onRequestPermissionsResult(requestCode, new String[0], new int[0]);
            return;
        }
        PermissionController.get().request(this, permissions.clone(), requestCode);
    }

    public boolean shouldShowRequestPermissionRationale(String permission) {
        return PermissionController.get().shouldShowRationale(permission);
    }

    @Override
    public String toString() {
        return getClass().getName() + "@" + Integer.toHexString(hashCode());
    }
}
