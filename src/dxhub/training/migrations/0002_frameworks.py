"""Ship the DigComp 2.2 and Thông tư 02/2025 frameworks and the default training groups."""

from django.db import migrations


def load(apps, schema_editor):
    from dxhub.training.frameworks import FRAMEWORKS, GROUPS

    Framework = apps.get_model("training", "Framework")
    Level = apps.get_model("training", "Level")
    Domain = apps.get_model("training", "Domain")
    Competence = apps.get_model("training", "Competence")
    TrainingGroup = apps.get_model("training", "TrainingGroup")
    for spec in FRAMEWORKS:
        if Framework.objects.filter(code=spec["code"]).exists():
            continue
        fw = Framework.objects.create(
            code=spec["code"],
            name=spec["name"],
            version=spec["version"],
            basis=spec["basis"],
            issued_on=spec["issued_on"],
            basic_step=spec["basic_step"],
        )
        Level.objects.bulk_create(Level(framework=fw, step=s, band=b, band_order=o) for s, b, o in spec["levels"])
        position = 0
        for d_pos, (code, name, comps) in enumerate(spec["domains"], start=1):
            domain = Domain.objects.create(framework=fw, code=code, name=name, position=d_pos)
            for c_code, c_name in comps:
                position += 1
                Competence.objects.create(domain=domain, framework=fw, code=c_code, name=c_name, position=position)
    for g in GROUPS:
        TrainingGroup.objects.get_or_create(code=g["code"], defaults={k: v for k, v in g.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
