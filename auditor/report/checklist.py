"""The manual checklist: the violation types Chinese enforcement names that no runtime trace can decide.

A runtime audit sees what the app reads and when; it cannot see whether the app lets a user opt out of targeted
pushes, whether an account can be closed, or what the app store's listing says. The report lists these for a
reviewer to check by hand, so that a clean report is never read as covering them.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.models import Text


@dataclass(frozen=True)
class ManualCheck:
    id: str
    title: Text
    how: Text
    """What the reviewer does and what passes."""
    basis: tuple[str, ...]


MANUAL_CHECKS: tuple[ManualCheck, ...] = (
    ManualCheck(
        id="CN-MANUAL-TARGETED-PUSH",
        title=Text(en="Forced targeted push (强制定向推送)", zh="强制定向推送"),
        how=Text(
            en="Find where the app pushes personalised content or ads. It must say so, and offer a plain way to "
               "turn personalisation off (or a non-personalised option) that actually takes effect.",
            zh="找到应用推送个性化内容或广告之处：应明示，并提供简便且切实生效的关闭个性化推荐（或不针对个人特征）的选项。",
        ),
        basis=("工信部信管函〔2019〕337号: 强制定向推送", "PIPL Art. 24"),
    ),
    ManualCheck(
        id="CN-MANUAL-ACCOUNT-DELETION",
        title=Text(en="Hard to close the account (账号注销难)", zh="账号注销难"),
        how=Text(
            en="Register an account and try to close it from within the app. Closing must be offered, must not "
               "demand more than registering did, and its processing time must be stated and kept.",
            zh="注册账号后在应用内尝试注销：应提供注销功能，所需条件不得多于注册时，并明示且遵守处理时限。",
        ),
        basis=("工信部信管函〔2019〕337号: 账号注销难", "PIPL Art. 47"),
    ),
    ManualCheck(
        id="CN-MANUAL-STORE-LISTING",
        title=Text(en="App information on the distribution platform (应用分发平台上的APP信息明示)",
                   zh="应用分发平台上的APP信息明示"),
        how=Text(
            en="Open the app's page in each app store it ships in. The developer, version, privacy policy, the "
               "permissions it asks for and what they are used for must be shown, and must match the app.",
            zh="在应用上架的各应用商店查看其页面：应明示开发者、版本、隐私政策、申请的权限及用途，且与应用实际一致。",
        ),
        basis=("工信部信管函〔2020〕164号: 应用分发平台上的APP信息明示不到位",),
    ),
)
