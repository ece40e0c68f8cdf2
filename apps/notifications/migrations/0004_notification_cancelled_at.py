from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_notification_retry_backoff"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
