package consentaudit.sandbox;

import android.app.Activity;
import android.app.ActivityThread;
import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import android.util.Log;
import android.widget.Button;
import android.widget.ImageView;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Runtime permissions with Android 11's behaviour: one dialog per group; after one denial the next dialog offers
 * "don't ask again" (permission_deny_and_dont_ask_again_button); after two denials, or that button, requests are
 * denied without a dialog. Grants persist in the system data dir (kept across relaunch, wiped by clear state);
 * "Only this time" lasts for this process. Undeclared permissions are denied without a dialog.
 */
public final class PermissionController {
    static final String PACKAGE = "com.android.permissioncontroller";
    private static final String TAG = "PermissionController";
    private static final String ID = PACKAGE + ":id/";
    private static PermissionController instance;

    private final AppManifest manifest;
    private final Path stateFile;
    private final Map<String, String> persisted = new HashMap<>();
    private final Set<String> oneTime = new HashSet<>();
    private Request current;

    /** Persisted state per permission: "granted", "denied:<count>" or "fixed" (denied, don't ask again). */
    private static final String GRANTED = "granted";
    private static final String FIXED = "fixed";

    private PermissionController(AppManifest manifest, Path systemDir) {
        this.manifest = manifest;
        this.stateFile = systemDir.resolve("runtime-permissions.xml");
        load();
    }

    static void init(AppManifest manifest, Path systemDir) {
        instance = new PermissionController(manifest, systemDir);
    }

    public static PermissionController get() {
        return instance;
    }

    // ---------------------------------------------------------------------------------------------------------
    // State

    private void load() {
        if (!Files.exists(stateFile)) {
            return;
        }
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(stateFile)) {
            stored.loadFromXML(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stateFile, e);
        }
        for (String name : stored.stringPropertyNames()) {
            persisted.put(name, stored.getProperty(name));
        }
    }

    private void save() {
        Properties stored = new Properties();
        stored.putAll(persisted);
        try {
            Files.createDirectories(stateFile.getParent());
            Path temporary = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                stored.storeToXML(out, "runtime permissions of " + manifest.packageName);
            }
            Files.move(temporary, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile, e);
        }
    }

    private int denials(String permission) {
        String state = persisted.get(permission);
        if (state == null || GRANTED.equals(state)) {
            return 0;
        }
        if (FIXED.equals(state)) {
            return 2;
        }
        return Integer.parseInt(state.substring("denied:".length()));
    }

    private boolean isGranted(String permission) {
        if (!manifest.declaresPermission(permission)) {
            return false;
        }
        if (PermissionGroup.of(permission) == null) {
            return true;
        }
        return GRANTED.equals(persisted.get(permission)) || oneTime.contains(permission);
    }

    public synchronized int check(String permission) {
        return isGranted(permission) ? 0 : -1;
    }

    /** Throws SecurityException unless one of `permissions` is granted, as a platform service does. */
    public synchronized void enforce(String operation, String... permissions) {
        for (String permission : permissions) {
            if (isGranted(permission)) {
                return;
            }
        }
        String needed = String.join(" or ", permissions);
        throw new SecurityException(operation + ": uid " + android.os.Process.myUid() + " (" + manifest.packageName
                + ") does not have " + needed + ".");
    }

    public synchronized boolean shouldShowRationale(String permission) {
        return manifest.declaresPermission(permission) && PermissionGroup.of(permission) != null
                && !isGranted(permission) && denials(permission) == 1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests (main thread)

    /** One group's dialog: which of the request's permissions it answers. */
    private static final class Ask {
        final PermissionGroup group;
        final List<Integer> indexes = new ArrayList<>();

        Ask(PermissionGroup group) {
            this.group = group;
        }
    }

    private final class Request {
        final Activity activity;
        final String[] permissions;
        final int requestCode;
        final int[] results;
        final Deque<Ask> asks = new ArrayDeque<>();
        Window window;

        Request(Activity activity, String[] permissions, int requestCode) {
            this.activity = activity;
            this.permissions = permissions;
            this.requestCode = requestCode;
            this.results = new int[permissions.length];
        }
    }

    public boolean isAsking(Activity activity) {
        return current != null && current.activity == activity;
    }

    public void request(Activity activity, String[] permissions, int requestCode) {
        Request request = new Request(activity, permissions, requestCode);
        Map<String, Ask> asksByGroup = new HashMap<>();
        synchronized (this) {
            for (int i = 0; i < permissions.length; i++) {
                String permission = permissions[i];
                request.results[i] = -1;
                PermissionGroup group = PermissionGroup.of(permission);
                if (!manifest.declaresPermission(permission)) {
                    Log.w(TAG, permission + " is not declared in the manifest of " + manifest.packageName
                            + ": denied without asking");
                } else if (isGranted(permission)) {
                    request.results[i] = 0;
                } else if (group == null) {
                    request.results[i] = 0;
                } else if (anyGranted(group)) {
                    // Android grants the rest of a group silently once one of its permissions is granted.
                    persisted.put(permission, GRANTED);
                    request.results[i] = 0;
                    save();
                } else if (groupDenials(group) >= 2) {
                    Log.i(TAG, permission + " denied without asking: the user chose don't ask again");
                } else {
                    Ask ask = asksByGroup.get(group.name);
                    if (ask == null) {
                        ask = new Ask(group);
                        asksByGroup.put(group.name, ask);
                        request.asks.add(ask);
                    }
                    ask.indexes.add(i);
                }
            }
        }
        Handler main = new Handler(Looper.getMainLooper());
        if (request.asks.isEmpty()) {
            main.post(() -> deliver(request));
            return;
        }
        current = request;
        ActivityThread.current().pauseForSystemDialog(activity);
        showNext(request);
    }

    private boolean anyGranted(PermissionGroup group) {
        for (String permission : group.permissions) {
            if (manifest.declaresPermission(permission) && GRANTED.equals(persisted.get(permission))) {
                return true;
            }
        }
        return false;
    }

    private int groupDenials(PermissionGroup group) {
        int most = 0;
        for (String permission : group.permissions) {
            most = Math.max(most, denials(permission));
        }
        return most;
    }

    private void showNext(Request request) {
        Ask ask = request.asks.peek();
        String question = String.format(ask.group.question, manifest.label);
        boolean deniedBefore;
        synchronized (this) {
            deniedBefore = groupDenials(ask.group) >= 1;
        }
        Context context = request.activity;
        LinearLayout singleton = vertical(context, ID + "grant_singleton");
        singleton.setClickable(true);
        LinearLayout dialog = vertical(context, ID + "grant_dialog");
        dialog.setClickable(true);
        LinearLayout contentContainer = vertical(context, ID + "content_container");
        ImageView icon = new ImageView(context);
        icon.setResourceName(ID + "permission_icon");
        TextView message = new TextView(context);
        message.setResourceName(ID + "permission_message");
        message.setText(question);
        contentContainer.addView(icon);
        contentContainer.addView(message);
        LinearLayout buttons = vertical(context, "");
        if (ask.group.foregroundOnly) {
            buttons.addView(button(context, "permission_allow_foreground_only_button", "While using the app",
                    () -> answer(request, "granted", "While using the app")));
            buttons.addView(button(context, "permission_allow_one_time_button", "Only this time",
                    () -> answer(request, "granted-once", "Only this time")));
        } else {
            buttons.addView(button(context, "permission_allow_button", "Allow",
                    () -> answer(request, "granted", "Allow")));
        }
        if (deniedBefore) {
            buttons.addView(button(context, "permission_deny_and_dont_ask_again_button", "Don\u2019t allow",
                    () -> answer(request, "denied-forever", "Don\u2019t allow (don\u2019t ask again)")));
        } else {
            buttons.addView(button(context, "permission_deny_button", "Don\u2019t allow",
                    () -> answer(request, "denied", "Don\u2019t allow")));
        }
        dialog.addView(contentContainer);
        dialog.addView(buttons);
        singleton.addView(dialog);
        request.window = Window.system(PACKAGE, singleton, request.activity, () -> answer(request, "dismissed", "Back"));
        WindowManagerImpl.get().addSystemWindow(request.window);
        List<String> asked = new ArrayList<>();
        for (int index : ask.indexes) {
            asked.add(request.permissions[index]);
        }
        Log.i(TAG, "Showing grant dialog " + ask.group.name + " for " + String.join(", ", asked) + ": \"" + question
                + "\"");
    }

    private static LinearLayout vertical(Context context, String id) {
        LinearLayout layout = new LinearLayout(context);
        layout.setOrientation(LinearLayout.VERTICAL);
        layout.setResourceName(id);
        return layout;
    }

    private static Button button(Context context, String id, String text, Runnable action) {
        Button button = new Button(context);
        button.setResourceName(ID + id);
        button.setText(text);
        button.setOnClickListener(view -> action.run());
        return button;
    }

    /** The user's answer to the dialog on screen; `dismissed` (Back) denies this time without counting. */
    private void answer(Request request, String decision, String label) {
        if (current != request) {
            return;
        }
        Ask ask = request.asks.poll();
        WindowManagerImpl.get().removeSystemWindow(request.window);
        synchronized (this) {
            int denials = groupDenials(ask.group) + 1;
            for (int index : ask.indexes) {
                String permission = request.permissions[index];
                switch (decision) {
                    case "granted":
                        persisted.put(permission, GRANTED);
                        request.results[index] = 0;
                        break;
                    case "granted-once":
                        oneTime.add(permission);
                        request.results[index] = 0;
                        break;
                    case "denied":
                        persisted.put(permission, denials >= 2 ? FIXED : "denied:" + denials);
                        break;
                    case "denied-forever":
                        persisted.put(permission, FIXED);
                        break;
                    default:
                        break;
                }
                Log.i(TAG, permission + " " + decision + " (" + label + ")");
            }
            save();
        }
        if (!request.asks.isEmpty()) {
            showNext(request);
            return;
        }
        current = null;
        deliver(request);
        ActivityThread.current().resumeAfterSystemDialog(request.activity);
    }

    private void deliver(Request request) {
        if (request.activity.isDestroyed()) {
            return;
        }
        StringBuilder summary = new StringBuilder();
        for (int i = 0; i < request.permissions.length; i++) {
            summary.append(i == 0 ? "" : ", ").append(request.permissions[i])
                    .append(request.results[i] == 0 ? "=granted" : "=denied");
        }
        Log.i(TAG, "Result for request " + request.requestCode + " of " + request.activity.getClass().getName()
                + ": " + summary);
        DeviceLog.i("Lifecycle", request.activity.getClass().getName() + ".onRequestPermissionsResult()");
        request.activity.onRequestPermissionsResult(request.requestCode, request.permissions.clone(),
                request.results.clone());
    }

    /** The activity went away while its dialog was up: the dialog goes too, without an answer. */
    public void abandonRequestOf(Activity activity) {
        if (current != null && current.activity == activity) {
            WindowManagerImpl.get().removeSystemWindow(current.window);
            current = null;
        }
    }
}
