"""Fill the load database: migrate, the checklist, the demo, and LOAD_BRANCHES more branches
each with its own secretary (load_sec_NN) and, every three branches, a liaison leader
(load_lead_NN), so fifty simulated people do not all work on the same few reports. Run by
`python -m load` with DEBUG on (load_demo makes accounts with the public demo password)."""

import django


def main() -> None:
    django.setup()
    import os

    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts import roles
    from accounts.models import User
    from assessments.demo import demo_period
    from assessments.services import open_period
    from responsibilities.demo import DEMO_PASSWORD, demo_post, demo_unit
    from responsibilities.models import Checklist, PostKind, Unit, UnitKind
    from responsibilities.services import assign_by_subject

    call_command("migrate", verbosity=0)
    call_command("load_checklist", verbosity=0)
    call_command("load_demo", verbosity=0)

    def person(username: str, role: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": username, "email": f"{username}@mingze.example"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    committee = Unit.objects.get(code="JGDW")
    branches = int(os.environ.get("LOAD_BRANCHES", "30"))
    for n in range(1, branches + 1):
        leader = person(f"load_lead_{(n - 1) // 3 + 1:02d}", roles.LEADER)
        names = {"name": f"压测第{n}支部", "name_en": f"Load branch {n}"}
        unit = demo_unit(parent=committee, code=f"LZ{n:02d}", kind=UnitKind.BRANCH, **names)
        Unit.objects.filter(pk=unit.pk).update(liaison=leader)
        demo_post(unit, PostKind.SECRETARY, "支部书记", person(f"load_sec_{n:02d}", roles.SECRETARY))
    assign_by_subject(checklist=Checklist.objects.order_by("-year").first())
    period = demo_period()
    open_period(period=period)  # the new branches' reports; existing ones are skipped
    print(f"load data: {branches} more branches, {period.reports.count()} reports in {period}")


if __name__ == "__main__":
    main()
