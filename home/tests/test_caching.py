"""The caching module: generations, keys, read-or-build, declarations."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db.models.signals import post_save

from home.caching import Generation, Layer, bump_on, layer

pytestmark = pytest.mark.django_db


def test_a_layer_builds_once_per_generation():
    generation = Generation("test-caching")
    cached = Layer("test-caching:value", 60, (generation,))
    builds = []

    def build() -> str:
        builds.append(1)
        return f"build {len(builds)}"

    assert cached.get_or_build("a", build=build) == "build 1"
    assert cached.get_or_build("a", build=build) == "build 1"  # kept
    assert cached.get_or_build("b", build=build) == "build 2"  # other parts, other entry
    generation.bump()
    assert cached.get_or_build("a", build=build) == "build 3"  # stale after a bump


def test_a_bump_happens_now_and_again_on_commit(django_capture_on_commit_callbacks):
    generation = Generation("test-caching")
    before = generation.get()
    with django_capture_on_commit_callbacks(execute=True):
        generation.bump_now_and_on_commit()
        assert generation.get() == before + 1
    assert generation.get() == before + 2


def test_a_layer_name_is_declared_once():
    layer("test-caching:once", seconds=10)
    layer("test-caching:once", seconds=10)  # the same declaration again (module reloaded)
    with pytest.raises(ValueError, match="declared twice"):
        layer("test-caching:once", seconds=20)


def test_a_declared_signal_bumps_its_generations(django_capture_on_commit_callbacks):
    generation = Generation("test-caching-group")

    def created(created: bool = False, **kwargs) -> bool:
        return created

    uid = bump_on(post_save, generation, sender=Group, when=created)
    try:
        before = generation.get()
        with django_capture_on_commit_callbacks(execute=True):
            group = Group.objects.create(name="Rédaction")
        assert generation.get() == before + 2  # now, and again once committed
        group.save()  # `when` says no
        assert generation.get() == before + 2
    finally:
        post_save.disconnect(sender=Group, dispatch_uid=uid)
