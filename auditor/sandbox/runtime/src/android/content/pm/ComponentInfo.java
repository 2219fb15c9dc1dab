package android.content.pm;

public class ComponentInfo extends PackageItemInfo {
    public ApplicationInfo applicationInfo;
    public boolean exported;

    public ComponentInfo() {
    }
}
