import pytest

from auditor.catalog import Catalog
from auditor.models import CatalogEntry, Text

FINE, COARSE = "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"


def _entry(id, cls, method, pi=None, permissions=(), kind="collect", receiver=False):
    return CatalogEntry.model_validate({
        "id": id, "class": cls, "method": method, "pi_type": pi, "kind": kind,
        "data": {"en": id.split(".")[-1], "zh": id.split(".")[-1]}, "receiver": receiver,
        "permissions": list(permissions), "description": Text(en=id, zh=id),
    })


@pytest.fixture
def catalog():
    return Catalog([
        _entry("settings.android-id", "android.provider.Settings$Secure", "getString", "device-id"),
        _entry("telephony.imei", "android.telephony.TelephonyManager", "getImei", "device-id",
               ["android.permission.READ_PHONE_STATE"]),
        _entry("location.last-known", "android.location.LocationManager", "getLastKnownLocation", "location",
               [FINE, COARSE]),
        _entry("apps.installed-packages", "android.app.ApplicationPackageManager", "getInstalledPackages",
               "installed-apps"),
        _entry("permissions.request", "android.app.Activity", "requestPermissions", kind="permission-request"),
        _entry("network.url-open", "java.net.URL", "openConnection", kind="network", receiver=True),
        _entry("components.start-service", "android.app.ContextImpl", "startService", kind="component-start"),
    ])
