"""Compare usernames and e-mails by their folded form (NFKC + casefold), stored beside them.

Existing rows are folded in place; nothing is renamed or dropped. If two existing usernames are
one once folded (`straße` and `STRASSE`), the migration stops and names them, so that a person
decides which to rename: the unique constraint could not be built otherwise.
"""

from django.db import migrations, models
from django.db.models import Count

import kwippy.accounts.identifiers
from kwippy.accounts.identifiers import identifier_fold

BATCH = 2000


def fold_existing_accounts(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    batch = []
    for user in User.objects.only("pk", "username", "email").order_by("pk").iterator(BATCH):
        user.username_folded = identifier_fold(user.username)
        user.email_folded = identifier_fold(user.email)
        batch.append(user)
        if len(batch) == BATCH:
            User.objects.bulk_update(batch, ["username_folded", "email_folded"])
            batch = []
    User.objects.bulk_update(batch, ["username_folded", "email_folded"])
    clashes = (
        User.objects.values("username_folded")
        .annotate(accounts=Count("pk"))
        .filter(accounts__gt=1)
        .values_list("username_folded", flat=True)
    )
    if clashes:
        names = sorted(
            User.objects.filter(username_folded__in=list(clashes)).values_list(
                "username", flat=True
            )
        )
        raise RuntimeError(
            "These usernames are the same name once case-folded; rename all but one of each "
            f"and migrate again: {', '.join(names)}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_folded",
            field=kwippy.accounts.identifiers.FoldedField(source="username"),
        ),
        migrations.AddField(
            model_name="user",
            name="email_folded",
            field=kwippy.accounts.identifiers.FoldedField(source="email"),
        ),
        migrations.RunPython(fold_existing_accounts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                error_messages={"unique": "A user with that username already exists."},
                help_text="Required. 150 characters or fewer. Letters, digits and ./+/-/_ only.",
                max_length=150,
                unique=True,
                validators=[kwippy.accounts.identifiers.UsernameValidator()],
                verbose_name="username",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="user_username_ci_unique",
        ),
        migrations.RemoveIndex(
            model_name="user",
            name="user_email_ci",
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["email_folded"], name="user_email_folded"),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=["username_folded"], name="user_username_folded_unique"
            ),
        ),
    ]
