"""The standard chart of 民间非营利组织会计制度 (chart version 2).

Every existing account keeps the code its entries were hashed with as its `chain_code`, then the
accounts of the version-1 chart are renumbered in place (and renamed where the standard names them
otherwise). No line and no hash is touched. The standard accounts still missing are added by
`services.chart_install` on the ledger's next use (its chart_version is still 1).
"""

from django.db import migrations, models

# old code -> (new code, new name or None to keep it); in an order in which no code is taken twice.
RENUMBER = [
    ("1001", "1001", "现金"),
    ("4201", "4401", None),
    ("4101", "4201.01", "成员出资"),
    ("4902", "4901.01", None),
    ("4901", "4901.02", "其他"),
    ("5101", "5101.01", None),
    ("5201", "5201", "管理费用"),
    ("5401", "5101.02", "知识产权收益分成"),
    ("5901", "5401", None),
]
OLD_NAMES = {"1001": "库存现金", "4101": "成员出资收入", "4901": "其他收入", "5201": "日常办公费用", "5401": "收益分成支出"}
OLD_CODES = {"1001", "1002", "1122", "1501", "2101", "2202", "2209", "2501", "3101", "3102", "4101", "4201", "4901",
             "4902", "5101", "5201", "5301", "5401", "5901"}


def forward(apps, schema_editor):
    Account = apps.get_model("finance", "Account")
    HistoricalAccount = apps.get_model("finance", "HistoricalAccount")
    Account.objects.update(chain_code=models.F("code"))
    HistoricalAccount.objects.update(chain_code=models.F("code"))
    # Only a version-1 chart is renumbered: an alliance that already installed version 2 has none of it.
    for old, new, name in RENUMBER:
        changes = {"code": new, **({"name": name} if name else {})}
        Account.objects.filter(code=old, chain_code=old).update(**changes)


def backward(apps, schema_editor):
    Account = apps.get_model("finance", "Account")
    JournalLine = apps.get_model("finance", "JournalLine")
    used = set(JournalLine.objects.values_list("account_id", flat=True).distinct())
    # Version-2 accounts nobody posted to go; one that carries postings cannot be unmade.
    for account in Account.objects.exclude(chain_code__in=OLD_CODES):
        if account.pk in used:
            raise RuntimeError(f"account {account.code} of the standard chart has postings: cannot unapply")
        account.delete()
    for old, new, _name in reversed(RENUMBER):
        changes = {"code": old, **({"name": OLD_NAMES[old]} if old in OLD_NAMES else {})}
        Account.objects.filter(code=new, chain_code=old).update(**changes)
    apps.get_model("finance", "Ledger").objects.filter(chart_version__gt=1).update(chart_version=1)


class Migration(migrations.Migration):

    dependencies = [
        ("alliances", "0003_council_authority_and_grant_note"),
        ("finance", "0008_entry_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="account",
            name="chain_code",
            field=models.CharField(default="", editable=False, max_length=24, verbose_name="哈希编码"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="account",
            name="contra",
            field=models.BooleanField(default=False, verbose_name="备抵科目"),
        ),
        migrations.AddField(
            model_name="historicalaccount",
            name="chain_code",
            field=models.CharField(default="", editable=False, max_length=24, verbose_name="哈希编码"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalaccount",
            name="contra",
            field=models.BooleanField(default=False, verbose_name="备抵科目"),
        ),
        migrations.RunPython(forward, backward),
    ]
