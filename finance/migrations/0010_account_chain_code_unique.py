"""One chain code per account of an alliance (a migration of its own: PostgreSQL cannot alter the
table in the transaction that renumbered its rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0009_standard_chart"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(fields=("alliance", "chain_code"), name="finance_account_chain_code_unique"),
        ),
    ]
