import pytest

from auditor.catalog import Catalog
from auditor.models import CatalogEntry, Text

FINE, COARSE = "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"


def _entry(id, cls, method, pi=None, permissions=(), kind="collect"):
    return CatalogEntry.model_validate({
        "id": id, "class": cls, "method": method, "pi_type": pi, "kind": kind, "data": {"en": id.split(".")[-1], "zh": id.split(".")[-1]},
        "permissions": list(permissions), "description": Text(en=id, zh=id),
    })


@pytest.fixture
def catalog():
    return Catalog([
        _entry("settings.android-id", "android.provider.Settings$Secure", "getString", "device-id"),
        _entry("location.last-known", "android.location.LocationManager", "getLastKnownLocation", "location",
               [FINE, COARSE]),
        _entry("permissions.request", "android.app.Activity", "requestPermissions", kind="permission-request"),
    ])
