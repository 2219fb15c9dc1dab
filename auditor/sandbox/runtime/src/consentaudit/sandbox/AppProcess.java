package consentaudit.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** This process: which app, which of its processes, where its data lives, and how it ends. */
public final class AppProcess {
    /** The device-log tag of the record the harness reads to learn why a process ended. */
    static final String END_TAG = "Sandbox";
    private static AppProcess instance;

    public final AppManifest manifest;
    public final String processName;
    /** For a secondary process: the service it was started for; "" for the main process. */
    public final String component;
    public final Path appDataDir;
    public final Path systemDir;
    private final int harnessPort;
    private volatile boolean ending;

    private AppProcess(AppManifest manifest, String processName, String component, Path appDataDir, Path systemDir,
            int harnessPort) {
        this.manifest = manifest;
        this.processName = processName;
        this.component = component;
        this.appDataDir = appDataDir;
        this.systemDir = systemDir;
        this.harnessPort = harnessPort;
    }

    static AppProcess init(AppManifest manifest, String processName, String component, Path appDataDir,
            Path systemDir, int harnessPort) {
        instance = new AppProcess(manifest, processName, component, appDataDir, systemDir, harnessPort);
        return instance;
    }

    public static AppProcess get() {
        return instance;
    }

    public boolean isMainProcess() {
        return processName.equals(manifest.packageName);
    }

    boolean isEnding() {
        return ending;
    }

    /**
     * Ends the process now, after writing the end record ({@code Sandbox: process-end reason=... code=...
     * detail=...}) the harness reports the exit with. The JVM is halted explicitly: a JVM whose main thread is done
     * would otherwise stay alive while a Frida session is attached.
     */
    public void endProcess(String reason, String detail, int exitCode) {
        synchronized (this) {
            if (ending) {
                return;
            }
            ending = true;
        }
        DeviceLog.i("ActivityManager", "Process " + processName + " (pid " + ProcessHandle.current().pid()
                + ") has died: " + detail);
        DeviceLog.i(END_TAG, "process-end reason=" + reason + " code=" + exitCode + " detail=" + detail);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }

    /** Android's process start for a component with its own android:process: the harness starts that JVM. */
    public void requestProcess(String targetProcess, String serviceClass) {
        try (Socket socket = ControlServer.harnessSocket(harnessPort)) {
            OutputStream out = socket.getOutputStream();
            out.write(("spawn " + targetProcess + " " + serviceClass + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = ControlServer.readLine(in);
            if (header == null || !header.startsWith("ok")) {
                DeviceLog.w("ActivityManager", "Harness refused to start process " + targetProcess + ": " + header);
            }
        } catch (IOException e) {
            DeviceLog.w("ActivityManager", "Cannot reach the harness to start process " + targetProcess + ": " + e);
        }
    }
}
