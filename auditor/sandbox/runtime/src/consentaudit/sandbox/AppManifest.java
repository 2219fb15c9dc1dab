package consentaudit.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The app as the harness resolved it from AndroidManifest.xml (full class names, full process names). The harness
 * writes it as a Java XML properties file so that the manifest has exactly one interpreter: the Python side.
 */
public final class AppManifest {
    public final String packageName;
    public final String label;
    public final String versionName;
    public final int versionCode;
    public final String applicationClass;
    public final String launcherActivity;
    public final Path classesDir;
    public final List<String> permissions;
    public final List<String> activities;
    /** Component class -> process name, in manifest order. */
    public final Map<String, String> providers;
    public final Map<String, String> services;

    private AppManifest(Properties values) {
        packageName = required(values, "package");
        label = values.getProperty("label", packageName);
        versionName = values.getProperty("version.name", "");
        versionCode = Integer.parseInt(values.getProperty("version.code", "0"));
        applicationClass = values.getProperty("application", "");
        launcherActivity = values.getProperty("launcher", "");
        classesDir = Path.of(required(values, "classes"));
        permissions = lines(values.getProperty("permissions", ""));
        activities = lines(values.getProperty("activities", ""));
        providers = processMap(values.getProperty("providers", ""));
        services = processMap(values.getProperty("services", ""));
    }

    public static AppManifest load(Path descriptor) throws IOException {
        Properties values = new Properties();
        try (InputStream in = Files.newInputStream(descriptor)) {
            values.loadFromXML(in);
        }
        return new AppManifest(values);
    }

    public boolean declaresPermission(String permission) {
        return permissions.contains(permission);
    }

    public String processOfService(String serviceClass) {
        return services.get(serviceClass);
    }

    private static String required(Properties values, String key) {
        String value = values.getProperty(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("app descriptor lacks " + key);
        }
        return value;
    }

    private static List<String> lines(String text) {
        List<String> result = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                result.add(line.strip());
            }
        }
        return Collections.unmodifiableList(result);
    }

    private static Map<String, String> processMap(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : lines(text)) {
            String[] parts = line.split("\t", 2);
            result.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return Collections.unmodifiableMap(result);
    }
}
