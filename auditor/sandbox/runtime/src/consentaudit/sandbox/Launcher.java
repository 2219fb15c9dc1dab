package consentaudit.sandbox;

import android.app.ActivityThread;
import android.os.Looper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Entry point of every sandbox process (zygote's role): set the process up, connect to the harness, say hello,
 * then run the main looper. Nothing of the app is loaded until the harness sends `go`.
 *
 * <pre>java -cp RUNTIME consentaudit.sandbox.Launcher --port N --app DESCRIPTOR.xml --app-data DIR --system-data DIR
 *      [--process NAME --component SERVICE_CLASS]</pre>
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] argv) throws Exception {
        // java.net sockets read and write through SocketInputStream.socketRead0 and SocketOutputStream.socketWrite0,
        // as Android's do (JDK 13+ otherwise uses its NIO socket implementation).
        System.setProperty("jdk.net.usePlainSocketImpl", "true");
        Map<String, String> args = parse(argv);
        DeviceLog.setMainThread(Thread.currentThread());
        DeviceLog.captureStandardStreams();
        AppManifest manifest = AppManifest.load(Path.of(args.get("app")));
        String processName = args.getOrDefault("process", manifest.packageName);
        AppProcess process = AppProcess.init(manifest, processName, args.getOrDefault("component", ""),
                Path.of(args.get("app-data")), Path.of(args.get("system-data")), Integer.parseInt(args.get("port")));
        PermissionController.init(manifest, process.systemDir);
        Thread.setDefaultUncaughtExceptionHandler(Launcher::crash);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!process.isEnding()) {
                DeviceLog.i(AppProcess.END_TAG, "process-end reason=exited code=? detail=System.exit");
            }
        }, "sandbox-shutdown"));
        // As Android's libcore: http and https URLs open the platform OkHttp's connections.
        java.net.URL.setURLStreamHandlerFactory(com.android.okhttp.HttpHandler.FACTORY);
        Looper.prepareMainLooper();
        ActivityThread.attach(process);
        String target = process.isMainProcess() ? "activity {" + manifest.packageName + "/" + manifest.launcherActivity
                + "}" : "service {" + manifest.packageName + "/" + process.component + "}";
        DeviceLog.i("ActivityManager", "Start proc " + ProcessHandle.current().pid() + ":" + processName
                + "/u0a123 for " + target);
        ControlServer.start(Integer.parseInt(args.get("port")), processName);
        Looper.loop();
        process.endProcess("exited", "main looper quit", 0);
    }

    /** Android's handling of an uncaught exception: FATAL EXCEPTION in the log, then the process dies. */
    private static void crash(Thread thread, Throwable error) {
        AppProcess process = AppProcess.get();
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        DeviceLog.e("AndroidRuntime", "FATAL EXCEPTION: " + thread.getName() + "\nProcess: " + process.processName
                + ", PID: " + ProcessHandle.current().pid() + "\n" + trace);
        process.endProcess("crashed", oneLine(error.toString()), 1);
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + argv[i]);
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        for (String required : new String[] {"port", "app", "app-data", "system-data"}) {
            if (!args.containsKey(required)) {
                throw new IllegalArgumentException("missing --" + required);
            }
        }
        return args;
    }
}
