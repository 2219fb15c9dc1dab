"""The curated phrase list: every example it gives is matched by its group, every group cites known sources, and the
distinctions the detection and the rules rely on hold (a refusal is not a grant, an action is not a purpose)."""

import pytest

from auditor.scenario.phrases import GROUPS, discloses, phrase_file, phrases
from auditor.scenario.softask import states_purpose


def test_the_file_defines_every_group_the_code_uses_with_sources():
    data = phrase_file()

    assert set(GROUPS) <= set(data.groups)
    for name, group in data.groups.items():
        assert group.sources, name
        assert set(group.sources) <= set(data.sources), name
        assert group.en and group.zh, f"{name}: both languages"


@pytest.mark.parametrize("name", sorted(phrase_file().groups))
def test_every_example_is_matched_by_its_group(name):
    group = phrases(name)
    missed = [example for example in phrase_file().groups[name].examples if not group.matches(example)]

    assert missed == []


@pytest.mark.parametrize("name", sorted(phrase_file().groups))
def test_no_counterexample_is_matched_by_its_group(name):
    group = phrases(name)
    matched = [text for text in phrase_file().groups[name].counterexamples if group.matches(text)]

    assert matched == []


def test_the_groups_the_rules_judge_by_have_near_misses():
    groups = phrase_file().groups
    assert all(groups[name].counterexamples for name in ("shaming", "purpose", "system_question"))


@pytest.mark.parametrize("label", ["Don’t allow", "Don't allow", "不允许", "拒绝", "暂不开启", "Not now", "取消",
                                   "No thanks, I don't like saving money", "残忍拒绝", "我不需要优惠", "以后再说"])
def test_refusals_are_declines_and_not_grants(label):
    assert phrases("decline").matches(label)
    assert not phrases("grant_explicit").matches(label)


@pytest.mark.parametrize("label", ["Allow", "While using the app", "去开启", "去设置", "允许", "Turn on location"])
def test_grants_are_not_declines(label):
    assert phrases("grant_explicit").matches(label)
    assert not phrases("decline").matches(label)


@pytest.mark.parametrize("label", ["Not now", "No thanks", "Cancel", "Decline", "拒绝", "不同意", "暂不开启", "Maybe later",
                                   "Don't allow", "No, thanks", "取消",
                                   "No thanks, I want to keep my location private",
                                   "No thanks, I'd like to decide later", "No thanks, I prefer not to share",
                                   "No thanks, I’d rather not share my contacts", "No, I don't want notifications",
                                   "不需要保护", "我不需要安全提醒", "不需要，谢谢"])
def test_plain_refusals_do_not_shame(label):
    assert not phrases("shaming").matches(label)


@pytest.mark.parametrize("label", ["No thanks, I'd rather pay full price", "No, I don't want free shipping offers",
                                   "I'm not interested in saving", "No thanks, I hate saving money",
                                   "No thanks, I'd rather stay uninformed", "No thanks, I'll pay full price",
                                   "狠心拒绝", "放弃红包", "我不想要福利", "我不在乎自己的隐私"])
def test_shaming_refusals_beyond_the_examples(label):
    assert phrases("shaming").matches(label)


@pytest.mark.parametrize("text", [
    "We use your location to show deals near you.",
    "Fair Shop uses the microphone only while you hold the button, so that you can search by voice.",
    "用于为您推荐附近的门店",
    "扫码功能需要使用相机",
    "Location helps us find the stores nearest to you",
])
def test_purposes_are_recognised(text):
    assert phrases("purpose").matches(text)


@pytest.mark.parametrize("text", [
    "Allow Shop to access this device's location?",
    "Allow Pushy Shop to record audio?",
    "Shop needs access to your location",
    "Tap Allow to continue to the app",
    "Permission needed to unlock all features",
    "必须开启权限才能继续使用本应用",
    "Camera unavailable. Use another device",
    "您可以开启相机权限",
    "We need your permission to continue.",
    "Pushy needs location to work properly",
    "需要相机权限",
    "必须开启权限才能继续",
    "Please turn on location to use it",
])
def test_actions_and_demands_are_not_purposes(text):
    assert not phrases("purpose").matches(text) or phrases("system_question").matches(text)
    assert states_purpose([text]) is None


def test_the_system_question_is_recognised_in_both_languages_and_app_questions_are_not():
    question = phrases("system_question")

    assert question.matches("Allow Pushy Shop to record audio?")
    assert question.matches("要允许“购物”获取此设备的位置信息吗？")
    assert not question.matches("Allow location access?")
    assert not question.matches("Turn on location to find stores near you")
    assert not question.matches("Allow notifications to get delivery updates?")
    assert not question.matches("Allow Shop to access your location to show stores nearby?")
    assert not question.matches("允许接收通知以获取物流提醒？")


def test_a_purpose_discloses_a_third_party_by_its_kind_of_use_by_name_or_in_general():
    assert discloses("We and our advertising partners use your location to show relevant ads", "advertising")
    assert discloses("用于向您展示个性化广告", "advertising")
    assert discloses("We share your location with third parties", None)
    assert discloses("AdNet measures where you shop", None, names=("AdNet",))
    assert not discloses("We use your location to show deals in your neighbourhood.", "advertising")
    assert not discloses("We use your location to show deals in your neighbourhood.", None, names=("com.adnet",))
    assert not discloses("用于为您推荐附近的门店", "analytics")
