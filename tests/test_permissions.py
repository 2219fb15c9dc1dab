import pytest

from auditor.permissions import (
    BACKGROUND_PERMISSIONS,
    PERMISSION_GROUPS,
    UNKNOWN_GROUP,
    classify_permission_message,
    fold_text,
    full_permission_name,
    group_of_permission,
    is_runtime_permission,
    permissions_in_group,
)


@pytest.mark.parametrize(
    ("message", "group"),
    [
        # Android's English wording, one per group (Android 6 to 14 variants).
        ("Allow Shop to access this device's location?", "LOCATION"),
        ("Allow Shop to access this device\u2019s location?", "LOCATION"),
        ("Allow Shop to take pictures and record video?", "CAMERA"),
        ("Allow Shop to record audio?", "MICROPHONE"),
        ("Allow Shop to access your contacts?", "CONTACTS"),
        ("Allow Shop to access your calendar?", "CALENDAR"),
        ("Allow Shop to send and view SMS messages?", "SMS"),
        ("Allow Shop to make and manage phone calls?", "PHONE"),
        ("Allow Shop to access your phone call logs?", "CALL_LOG"),
        ("Allow Shop to access photos, media, and files on your device?", "STORAGE"),
        ("Allow Shop to access photos and media on your device?", "STORAGE"),
        ("Allow Shop to access photos and videos on this device?", "READ_MEDIA_VISUAL"),
        ("Allow Shop to access music and audio on this device?", "READ_MEDIA_AURAL"),
        ("Allow Shop to access sensor data about your vital signs?", "SENSORS"),
        ("Allow Shop to access your physical activity?", "ACTIVITY_RECOGNITION"),
        ("Allow Shop to find, connect to, and determine the relative position of nearby devices?",
         "NEARBY_DEVICES"),
        ("Allow Shop to send you notifications?", "NOTIFICATIONS"),
        ("Always allow Shop to access this device\u2019s location?", "LOCATION"),
        # Chinese wording (the app's label in quotes, or bare).
        ("要允许“购物”获取此设备的位置信息吗？", "LOCATION"),
        ("要允许购物拍摄照片和录制视频吗？", "CAMERA"),
        ("要允许“购物”录制音频吗？", "MICROPHONE"),
        ("要允许“购物”访问您的通讯录吗？", "CONTACTS"),
        ("要允许“购物”访问您的日历吗？", "CALENDAR"),
        ("要允许“购物”发送和查看短信吗？", "SMS"),
        ("允许“抖音”拨打电话和管理通话吗？", "PHONE"),
        ("要允许“购物”访问您的通话记录吗？", "CALL_LOG"),
        ("要允许“购物”访问您设备上的照片、媒体内容和文件吗？", "STORAGE"),
        ("要允许“购物”访问此设备上的照片和视频吗？", "READ_MEDIA_VISUAL"),
        ("要允许“购物”访问此设备上的音乐和音频吗？", "READ_MEDIA_AURAL"),
        ("要允许“购物”获取有关您生命体征的传感器数据吗？", "SENSORS"),
        ("要允许“购物”获取您的身体活动数据吗？", "ACTIVITY_RECOGNITION"),
        ("要允许“购物”查找、连接附近的设备并确定其相对位置吗？", "NEARBY_DEVICES"),
        ("要允许“购物”向您发送通知吗？", "NOTIFICATIONS"),
        # Traditional Chinese (zh-TW, zh-HK).
        ("要允許「購物」存取這部裝置的位置資訊嗎？", "LOCATION"),
        ("要允許「購物」拍攝相片及錄製影片嗎？", "CAMERA"),
        ("要允許「購物」錄音嗎？", "MICROPHONE"),
        ("要允許「購物」存取你的聯絡人嗎？", "CONTACTS"),
        ("要允許「購物」傳送及查看簡訊嗎？", "SMS"),
        ("要允許「購物」撥打電話及管理通話嗎？", "PHONE"),
        ("要允許「購物」存取你的體能活動嗎？", "ACTIVITY_RECOGNITION"),
        # Vendors' own wording.
        ("是否允许“购物”访问照片和视频？", "READ_MEDIA_VISUAL"),
        ("允许“购物”读取手机状态和身份？", "PHONE"),
        ("“购物”申请获取设备信息", "PHONE"),
        ("“购物”申请使用摄像头", "CAMERA"),
        ("允许“购物”读写手机存储？", "STORAGE"),
        ("“购物”想要使用蓝牙", "NEARBY_DEVICES"),
        ("Allow Shop to access your precise location?", "LOCATION"),
        ("Shop wants to use your camera", "CAMERA"),
        ("Allow Shop to access body sensors?", "SENSORS"),
    ],
)
def test_dialog_wording_names_the_group(message, group):
    result = classify_permission_message(message)
    assert result.group == group
    assert result.permissions == permissions_in_group(group)
    assert result.permissions


@pytest.mark.parametrize(
    ("message", "group"),
    [
        ("Allow Contacts Backup to record audio?", "MICROPHONE"),
        ("Allow Camera to access this device\u2019s location?", "LOCATION"),
        ("Allow Path to Location to access your contacts?", "CONTACTS"),
        ("要允许“通讯录助手”录制音频吗？", "MICROPHONE"),
        ("Allow Location Diary to use your camera?", "CAMERA"),
        ("要允許「相機助手」存取你的聯絡人嗎？", "CONTACTS"),
    ],
)
def test_the_apps_label_does_not_decide_the_group(message, group):
    assert classify_permission_message(message).group == group


@pytest.mark.parametrize("message", ["", "Erlauben, Fotos aufzunehmen?", "Allow Shop to do something new?"])
def test_unknown_wording_is_an_unknown_group_without_permissions(message):
    result = classify_permission_message(message)
    assert (result.group, result.permissions) == (UNKNOWN_GROUP, [])


def test_permission_names():
    assert full_permission_name("CAMERA") == "android.permission.CAMERA"
    assert full_permission_name(" android.permission.CAMERA ") == "android.permission.CAMERA"
    assert group_of_permission("ACCESS_COARSE_LOCATION") == "LOCATION"
    assert group_of_permission("android.permission.READ_MEDIA_IMAGES") == "READ_MEDIA_VISUAL"
    assert group_of_permission("com.android.voicemail.permission.ADD_VOICEMAIL") == "PHONE"
    assert group_of_permission("android.permission.INTERNET") is None
    assert not is_runtime_permission("INTERNET")
    assert permissions_in_group("UNKNOWN") == []
    assert permissions_in_group("MICROPHONE") == ["android.permission.RECORD_AUDIO"]


def test_every_permission_belongs_to_exactly_one_group():
    names = [full_permission_name(p) for group in PERMISSION_GROUPS.values() for p in group]
    assert len(names) == len(set(names))
    assert set(names) >= BACKGROUND_PERMISSIONS


def test_folding():
    assert fold_text("  Don\u2019t   allow \n") == "Don't allow"
