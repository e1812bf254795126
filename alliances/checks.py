"""System checks: production refuses to start without a checkpoint signing key."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def checkpoint_key(app_configs, **kwargs):
    if not getattr(settings, "LIANMENG_REQUIRE_CHECKPOINT_KEY", False):
        return []
    from alliances import keys

    try:
        key = keys.signing_key()
    except (ValueError, TypeError) as error:
        return [Error(f"the checkpoint key cannot be read: {error}", id="lianmeng.E001")]
    if key is None:
        return [Error(
            "no checkpoint signing key: set LIANMENG_CHECKPOINT_KEY (Ed25519 PEM) or put checkpoint.key in "
            f"LIANMENG_KEY_DIR ({settings.LIANMENG_KEY_DIR}); see docs/operations.md",
            id="lianmeng.E001",
        )]
    return []
