"""Android's runtime ("dangerous") permissions by group, and how the system dialog words each group.

The grouping is the one the permission controller shows the user (Android 10 and later moved the groups out of
the platform manifest into the controller; the groups below are the controller's, which is also what the grant
dialog asks about). A grant dialog names a group, never a single permission, so a decision taken in a dialog
applies to the permissions of that group the app asked for.

Dialog wording is matched on the action phrase, not on the whole sentence, because the app's label sits in the
middle of it ("Allow <b>Shop</b> to access this device’s location?", "要允许“购物”获取此设备的位置信息吗？").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNKNOWN_GROUP = "UNKNOWN"
"""The group of a dialog whose wording is not recognised."""

_PREFIX = "android.permission."

PERMISSION_GROUPS: dict[str, tuple[str, ...]] = {
    "CALENDAR": ("READ_CALENDAR", "WRITE_CALENDAR"),
    "CALL_LOG": ("READ_CALL_LOG", "WRITE_CALL_LOG", "PROCESS_OUTGOING_CALLS"),
    "CAMERA": ("CAMERA",),
    "CONTACTS": ("READ_CONTACTS", "WRITE_CONTACTS", "GET_ACCOUNTS"),
    "LOCATION": ("ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION", "ACCESS_BACKGROUND_LOCATION"),
    "MICROPHONE": ("RECORD_AUDIO",),
    "PHONE": (
        "READ_PHONE_STATE", "READ_PHONE_NUMBERS", "CALL_PHONE", "ANSWER_PHONE_CALLS",
        "com.android.voicemail.permission.ADD_VOICEMAIL", "USE_SIP", "ACCEPT_HANDOVER",
    ),
    "SENSORS": ("BODY_SENSORS", "BODY_SENSORS_BACKGROUND"),
    "ACTIVITY_RECOGNITION": ("ACTIVITY_RECOGNITION",),
    "SMS": ("SEND_SMS", "RECEIVE_SMS", "READ_SMS", "RECEIVE_WAP_PUSH", "RECEIVE_MMS"),
    "STORAGE": ("READ_EXTERNAL_STORAGE", "WRITE_EXTERNAL_STORAGE", "ACCESS_MEDIA_LOCATION"),
    "READ_MEDIA_VISUAL": ("READ_MEDIA_IMAGES", "READ_MEDIA_VIDEO", "READ_MEDIA_VISUAL_USER_SELECTED"),
    "READ_MEDIA_AURAL": ("READ_MEDIA_AUDIO",),
    "NEARBY_DEVICES": (
        "BLUETOOTH_SCAN", "BLUETOOTH_CONNECT", "BLUETOOTH_ADVERTISE", "UWB_RANGING", "NEARBY_WIFI_DEVICES",
    ),
    "NOTIFICATIONS": ("POST_NOTIFICATIONS",),
}
"""Group -> its runtime permissions (short names stand for `android.permission.NAME`)."""

BACKGROUND_PERMISSIONS: frozenset[str] = frozenset(
    {_PREFIX + "ACCESS_BACKGROUND_LOCATION", _PREFIX + "BODY_SENSORS_BACKGROUND"}
)
"""Granted only by an explicit "all the time" choice, never by "While using the app" or "Allow"."""


def full_permission_name(name: str) -> str:
    """`ACCESS_FINE_LOCATION` -> `android.permission.ACCESS_FINE_LOCATION`; full names are kept as they are."""
    name = name.strip()
    return name if "." in name else _PREFIX + name


_GROUP_OF: dict[str, str] = {
    full_permission_name(permission): group
    for group, permissions in PERMISSION_GROUPS.items()
    for permission in permissions
}


def permissions_in_group(group: str) -> list[str]:
    """The full names of the runtime permissions of `group` (empty for UNKNOWN or an unknown group)."""
    return [full_permission_name(p) for p in PERMISSION_GROUPS.get(group, ())]


def group_of_permission(permission: str) -> str | None:
    """The group of a runtime permission (short or full name), or None when it is not a runtime permission."""
    return _GROUP_OF.get(full_permission_name(permission))


def is_runtime_permission(permission: str) -> bool:
    return group_of_permission(permission) is not None


@dataclass(frozen=True)
class DialogWording:
    """How one group's grant dialog is worded: phrases (regular expressions, matched on folded text) per language."""

    group: str
    english: tuple[str, ...]
    chinese: tuple[str, ...]


# Order matters where one phrase could contain another's words: call logs before phone calls, media location
# before location, the Android 13 media groups before the older storage wording.
DIALOG_WORDING: tuple[DialogWording, ...] = (
    DialogWording(
        "STORAGE",
        (r"access locations? from your media", r"access photos,? media,? and files",
         r"access photos and media", r"access (?:photos, )?media and files", r"access files on your device",
         r"read and write files"),
        (r"照片、媒体内容和文件", r"照片和媒体", r"媒体中的位置", r"存储空间", r"设备上的文件", r"读写手机", r"文件和媒体",
         r"相片、媒體和檔案", r"相片和媒體", r"儲存空間"),
    ),
    DialogWording(
        "NEARBY_DEVICES",
        (r"nearby devices", r"find, connect to,? and determine the relative position"),
        (r"附近的设备", r"查找附近的设备", r"附近设备", r"附近的裝置"),
    ),
    DialogWording(
        "LOCATION",
        (r"access this device's (?:approximate |precise )?location", r"access (?:your |this device's )?location",
         r"device's location", r"(?:precise|approximate) location"),
        (r"位置信息", r"获取.*位置", r"访问.*位置", r"定位", r"位置資訊", r"存取.*位置", r"所在位置"),
    ),
    DialogWording(
        "CAMERA",
        (r"take pictures and record video", r"take photos and record video", r"access (?:your )?camera"),
        (r"拍摄照片和录制视频", r"拍照和录像", r"使用相机", r"访问相机", r"相机", r"相機", r"拍攝相片", r"錄製影片"),
    ),
    DialogWording(
        "MICROPHONE",
        (r"record audio", r"access (?:your )?microphone"),
        (r"录制音频", r"录音", r"麦克风", r"錄音", r"麥克風"),
    ),
    DialogWording(
        "CONTACTS",
        (r"access your contacts", r"read your contacts", r"contacts"),
        (r"通讯录", r"联系人", r"聯絡人", r"通訊錄"),
    ),
    DialogWording(
        "CALENDAR",
        (r"access your calendar", r"calendar"),
        (r"日历", r"日曆"),
    ),
    DialogWording(
        "SMS",
        (r"send and view sms messages", r"\bsms\b", r"text messages"),
        (r"短信", r"彩信", r"簡訊"),
    ),
    DialogWording(
        "CALL_LOG",
        (r"phone call logs?", r"call logs?"),
        (r"通话记录", r"通話記錄"),
    ),
    DialogWording(
        "PHONE",
        (r"make and manage phone calls", r"phone calls", r"phone state", r"device (?:id|identity|information)"),
        (r"拨打电话和管理通话", r"拨打电话", r"管理通话", r"手机状态", r"设备信息", r"手机信息", r"撥打電話",
         r"管理通話"),
    ),
    DialogWording(
        "READ_MEDIA_VISUAL",
        (r"photos and videos",),
        (r"照片和视频", r"相片和影片"),
    ),
    DialogWording(
        "READ_MEDIA_AURAL",
        (r"music and(?: other)? audio",),
        (r"音乐和音频", r"音樂和音訊"),
    ),
    DialogWording(
        "SENSORS",
        (r"sensor data", r"vital signs", r"body sensors?"),
        (r"传感器", r"生命体征", r"感應器", r"生命徵象"),
    ),
    DialogWording(
        "ACTIVITY_RECOGNITION",
        (r"physical activity",),
        (r"身体活动", r"健身运动", r"体能活动", r"體能活動", r"身體活動"),
    ),
    DialogWording(
        "NOTIFICATIONS",
        (r"send you notifications", r"notifications"),
        (r"发送通知", r"通知", r"傳送通知"),
    ),
)

GENERIC_WORDING: tuple[DialogWording, ...] = (
    DialogWording("LOCATION", (r"\blocation\b",), ()),
    DialogWording("CAMERA", (r"\bcamera\b",), (r"摄像头", r"拍照")),
    DialogWording("MICROPHONE", (r"\bmicrophone\b",), ()),
    DialogWording("NEARBY_DEVICES", (r"bluetooth",), (r"蓝牙", r"藍牙")),
    DialogWording("STORAGE", (r"\bstorage\b",), (r"存储", r"檔案")),
    DialogWording("PHONE", (r"phone number",), (r"识别码", r"电话", r"電話")),
)
"""Single words naming a group, tried only when no phrase of `DIALOG_WORDING` matched: vendors' own wording
("Shop wants to use your camera", "购物申请使用摄像头") that is not Android's."""

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

# The app's label in a dialog: bold in English (already flattened in a dump), quoted in Chinese.
_QUOTED_LABEL = re.compile(r"[“\"「『][^”\"」』]*[”\"」』]")
_ENGLISH_LABEL = re.compile(r"^\s*(?:always\s+)?allow\s+.*?\s+to\s+(?=\S)", re.IGNORECASE | re.DOTALL)
_CHINESE_LABEL = re.compile(
    r"^\s*(?:要|是否)?(?:始终|一律)?(?:允许|允許)(.*?)(?=获取|访问|拍摄|录制|发送|拨打|查找|使用|读取|查看|对|存取|拍攝|錄製|傳送|撥打|尋找)")


def fold_text(text: str) -> str:
    """Text as the matchers compare it: trimmed, whitespace collapsed, curly apostrophes made straight."""
    return " ".join(text.translate(_APOSTROPHES).split())


@dataclass(frozen=True)
class DialogGroup:
    """What a grant dialog's message asks for."""

    group: str
    permissions: list[str]
    """Full names of the group's runtime permissions; empty when the group is UNKNOWN."""


def classify_permission_message(message: str) -> DialogGroup:
    """The permission group a system grant dialog's message asks for (English or Chinese wording, simplified or
    traditional; Android's phrases first, then single words vendors use).

    The app's label is cut out first, so an app named "Contacts backup" asking for the microphone is a
    MICROPHONE dialog. Unrecognised wording gives group UNKNOWN and no permissions."""
    folded = fold_text(message)
    action = _action_phrase(folded)
    for wordings in (DIALOG_WORDING, GENERIC_WORDING):
        for candidate in (action, folded):
            group = _match_wording(candidate, wordings)
            if group is not None:
                return DialogGroup(group, permissions_in_group(group))
    return DialogGroup(UNKNOWN_GROUP, [])


def _action_phrase(folded: str) -> str:
    """The part of the message after the app's label: what the app wants to do."""
    without_quoted = _QUOTED_LABEL.sub(" ", folded)
    if without_quoted != folded:
        return without_quoted
    english = _ENGLISH_LABEL.sub("", folded, count=1)
    if english != folded:
        return english
    chinese = _CHINESE_LABEL.match(folded)
    if chinese:
        return folded[chinese.end():]
    return folded


def _match_wording(text: str, wordings: tuple[DialogWording, ...]) -> str | None:
    lowered = text.lower()
    for wording in wordings:
        for phrase in wording.english:
            if re.search(phrase, lowered):
                return wording.group
        for phrase in wording.chinese:
            if re.search(phrase, text):
                return wording.group
    return None
