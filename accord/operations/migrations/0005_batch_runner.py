"""Import batches record the process that runs them (host:pid), to tell a dead one at once."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('operations', '0004_product_without_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='runner',
            field=models.CharField(blank=True, help_text='host:pid of the process running it (to tell a dead one).', max_length=300),
        ),
    ]
