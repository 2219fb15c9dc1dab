package consentaudit.sandbox;

import android.app.ActivityThread;
import android.os.Handler;
import android.os.Looper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The harness's line to this process. Requests are one UTF-8 line, {@code <verb> [args]}; each answer is a header
 * line {@code ok <n>} or {@code err <n>} followed by exactly n bytes of UTF-8 payload.
 */
final class ControlServer implements Runnable {
    private static final long MAIN_THREAD_TIMEOUT_MS = Long.getLong("consentaudit.mainThreadTimeoutMs", 10_000L);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Handler main = new Handler(Looper.getMainLooper());
    private boolean started;
    private long answers;

    private ControlServer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to the harness and says hello; the process then waits for `go` before loading any app class. */
    static void start(int port, String processName) throws IOException {
        Socket socket = harnessSocket(port);
        socket.setTcpNoDelay(true);
        ControlServer server = new ControlServer(socket);
        server.out.write(("hello " + ProcessHandle.current().pid() + " " + processName + "\n")
                .getBytes(StandardCharsets.UTF_8));
        server.out.flush();
        Thread thread = new Thread(server, "sandbox-control");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A connection to the harness, through a socket channel: its streams are not java.net's SocketInputStream and
     * SocketOutputStream, whose hooks watch the app's traffic (the runtime's own is not the app's).
     */
    static Socket harnessSocket(int port) throws IOException {
        return java.nio.channels.SocketChannel.open(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port)).socket();
    }

    @Override
    public void run() {
        try {
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    break;
                }
                String[] reply = handle(line);
                byte[] payload = reply[1].getBytes(StandardCharsets.UTF_8);
                // What the request logged is in the stdout pipe before its answer is on the socket; the mark lets
                // the backend wait until its log reader got that far.
                DeviceLog.sync(++answers);
                synchronized (out) {
                    out.write((reply[0] + " " + payload.length + "\n").getBytes(StandardCharsets.UTF_8));
                    out.write(payload);
                    out.flush();
                }
                if ("stop".equals(line.trim())) {
                    AppProcess.get().endProcess("killed", "stopped by the harness", 137);
                }
            }
        } catch (IOException e) {
            // The harness went away: fall through and end, so no sandbox process outlives its harness.
        }
        if (!AppProcess.get().isEnding()) {
            AppProcess.get().endProcess("killed", "harness connection closed", 137);
        }
    }

    private String[] handle(String line) {
        String[] parts = line.trim().split(" ", 2);
        String verb = parts[0];
        String args = parts.length > 1 ? parts[1] : "";
        try {
            switch (verb) {
                case "go":
                    return go();
                case "dump":
                    return ok(onMain(() -> WindowManagerImpl.get().dump()));
                case "draw":
                    return ok(onMain(() -> WindowManagerImpl.get().dumpForDrawing()));
                case "click": {
                    int[] point = point(args.split(" "));
                    return ok(onMain(() -> WindowManagerImpl.get().click(point[0], point[1])));
                }
                case "text": {
                    String[] fields = args.split(" ", 3);
                    int[] point = point(fields);
                    String text = fields.length > 2 ? URLDecoder.decode(fields[2], StandardCharsets.UTF_8) : "";
                    return ok(onMain(() -> WindowManagerImpl.get().inputText(point[0], point[1], text)));
                }
                case "back":
                    return ok(onMain(() -> WindowManagerImpl.get().back()));
                case "swipe": {
                    String[] fields = args.split(" ");
                    if (fields.length != 5) {
                        throw new IllegalArgumentException("expected: <x1> <y1> <x2> <y2> <milliseconds>");
                    }
                    int[] from = point(new String[] {fields[0], fields[1]});
                    int[] to = point(new String[] {fields[2], fields[3]});
                    int milliseconds = milliseconds(fields[4]);
                    // Delivered on the main thread, in order with taps; the gesture ends in one step (no fling).
                    return ok(onMain(() -> {
                        String gesture = "swipe (" + from[0] + "," + from[1] + ")->(" + to[0] + "," + to[1] + ") in "
                                + milliseconds + " ms";
                        String result = WindowManagerImpl.get().swipe(from[0], from[1], to[0], to[1]);
                        android.util.Log.i("Input", gesture + ": " + result);
                        return gesture + ": " + result;
                    }));
                }
                case "home":
                    return ok(onMain(() -> {
                        ActivityThread.current().moveToBackground();
                        return "home";
                    }));
                case "foreground":
                    return ok(onMain(() -> {
                        ActivityThread.current().moveToForeground();
                        return "foreground";
                    }));
                case "state":
                    return ok(state());
                case "idle":
                    if (Looper.getMainLooper().getQueue().awaitIdle(MAIN_THREAD_TIMEOUT_MS)) {
                        return ok("idle");
                    }
                    return err("main thread still busy after " + MAIN_THREAD_TIMEOUT_MS + " ms");
                case "start-service": {
                    String component = args.trim();
                    main.post(() -> ActivityThread.current().handleStartService(component,
                            new android.content.Intent().setClassName(AppProcess.get().manifest.packageName,
                                    component)));
                    return ok("");
                }
                case "stop":
                    return ok("stopping");
                default:
                    return err("unknown request: " + verb);
            }
        } catch (TimeoutException e) {
            return err("main thread not responding: " + verb + " not handled within " + MAIN_THREAD_TIMEOUT_MS
                    + " ms");
        } catch (IllegalArgumentException e) {
            return err(e.getMessage());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return err(cause instanceof InputRejected ? cause.getMessage() : String.valueOf(cause));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return err("interrupted");
        }
    }

    private String[] go() {
        if (started) {
            return err("already started");
        }
        started = true;
        main.post(() -> ActivityThread.current().bindApplication());
        return ok("");
    }

    /**
     * Runs `task` on the main thread and waits for it. An exception the app throws there is rethrown on the main
     * thread, where it crashes the process as it would on Android.
     */
    private String onMain(Callable<String> task) throws TimeoutException, ExecutionException, InterruptedException {
        CompletableFuture<String> result = new CompletableFuture<>();
        main.post(() -> {
            String answer;
            try {
                answer = task.call();
            } catch (InputRejected e) {
                result.completeExceptionally(e);
                return;
            } catch (RuntimeException | Error e) {
                // The app's own failure: it crashes the process before any answer, as on a device.
                throw e;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            result.complete(answer);
        });
        return result.get(MAIN_THREAD_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private String state() {
        ActivityThread thread = ActivityThread.current();
        AppProcess process = AppProcess.get();
        return "{\"alive\": true"
                + ", \"started\": " + started
                + ", \"foreground\": " + (process.isMainProcess() && thread.isForeground()
                        && !thread.topActivityName().isEmpty())
                + ", \"activity\": " + json(thread.topActivityName())
                + ", \"package\": " + json(process.manifest.packageName)
                + ", \"process\": " + json(process.processName)
                + ", \"pid\": " + ProcessHandle.current().pid() + "}";
    }

    private static String json(String value) {
        StringBuilder text = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                text.append('\\').append(c);
            } else if (c < 0x20) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append('"').toString();
    }

    private static int[] point(String[] fields) {
        if (fields.length < 2) {
            throw new IllegalArgumentException("expected: <x> <y>");
        }
        try {
            return new int[] {Integer.parseInt(fields[0].trim()), Integer.parseInt(fields[1].trim())};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("coordinates must be integers: " + fields[0] + " " + fields[1]);
        }
    }

    private static int milliseconds(String field) {
        try {
            int value = Integer.parseInt(field.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("duration must be a positive number of milliseconds: " + field);
    }

    private static String[] ok(String payload) {
        return new String[] {"ok", payload};
    }

    private static String[] err(String payload) {
        return new String[] {"err", payload == null ? "error" : payload};
    }

    /** One line of UTF-8 without its newline; null at end of stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }
}
