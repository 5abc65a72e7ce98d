import pytest
from django.urls import reverse

from responsibilities.models import Assignment, Duty, Unit

pytestmark = pytest.mark.django_db

# Who may open each page: 200 for these roles, 403 for the other signed-in ones, and the
# login page for an anonymous visitor.
ORGANIZATION = {"admin", "leader", "other_leader", "supervisor"}
PAGES = {
    "responsibilities:checklist": ORGANIZATION,
    "responsibilities:matrix": ORGANIZATION,
    "responsibilities:assignments": ORGANIZATION,
    "responsibilities:units": ORGANIZATION,
    "responsibilities:bulk_assign": {"admin"},
    "responsibilities:my_duties": {"secretary_a", "secretary_b", "leader", "other_leader", "supervisor"},
}
ROLES = ["anonymous", "admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_answers_each_role(client_as, name, role):
    response = client_as(role).get(reverse(name))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif role in PAGES[name]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "403" in response.content.decode()


def test_checklist_groups_duties_by_category_with_who_carries_them(client_as, django_assert_max_num_queries):
    client = client_as("admin")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("responsibilities:checklist")).content.decode()
    assert page.index("政治建设") < page.index("思想建设") < page.index("反腐败斗争")
    assert "甲党支部 · 甲书记" in page  # 谁来抓: the unit and the person in its post
    assert "P-01" in page and "A-03" in page


def test_checklist_filters_by_category_type_and_cadence(client_as):
    client = client_as("leader")
    page = client.get(reverse("responsibilities:checklist"), {"category": "", "responsibility": "supervisory"})
    text = page.content.decode()
    assert "A-01" in text and "P-01" not in text
    annual = client.get(reverse("responsibilities:checklist"), {"cadence": "annual"}).content.decode()
    assert "S-01" in annual and "I-01" not in annual


def test_checklist_query_count_does_not_grow_with_units(client_as, cast, django_assert_max_num_queries):
    from responsibilities.services import assign_by_subject
    from tests.factories import PostFactory, UnitFactory

    for n in range(10):
        PostFactory(unit=UnitFactory(parent=cast.committee, code=f"EX{n}"), title="支部书记")
    assign_by_subject(checklist=cast.checklist)
    client = client_as("admin")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("responsibilities:checklist")).status_code == 200


def test_unknown_year_or_unit_is_404_not_500(client_as):
    client = client_as("admin")
    assert client.get(reverse("responsibilities:checklist"), {"year": "1999"}).status_code == 404
    assert client.get(reverse("responsibilities:checklist"), {"year": "abc"}).status_code == 404
    assert client.get(reverse("responsibilities:assignments"), {"unit": "NOPE"}).status_code == 404
    assert client.get(reverse("responsibilities:assignments"), {"category": "x' OR 1=1"}).status_code == 404


def test_matrix_counts_and_links_to_the_cell(client_as, cast, django_assert_max_num_queries):
    client = client_as("admin")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("responsibilities:matrix")).content.decode()
    branch_political = Assignment.objects.filter(unit=cast.unit_a, duty__category__code="ideological").count()
    assert branch_political == 3  # I-01, I-02 and the 党课 counted in records (B-04)
    assert f'unit=ZBA&amp;category=ideological" aria-label="甲党支部 思想建设: {branch_political}"' in page
    cell = client.get(reverse("responsibilities:assignments"), {"unit": "ZBA", "category": "ideological"})
    text = cell.content.decode()
    assert "I-01" in text and "I-02" in text and "P-01" not in text


def test_assignment_list_query_count(client_as, django_assert_max_num_queries):
    client = client_as("supervisor")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("responsibilities:assignments")).status_code == 200


def test_units_page_shows_posts_and_holders(client_as, django_assert_max_num_queries):
    client = client_as("leader")
    with django_assert_max_num_queries(9):  # + the current liaisons, one query for the tree
        page = client.get(reverse("responsibilities:units")).content.decode()
    assert "支部书记：甲书记" in page and "机关党委书记：" in page


def test_my_duties_shows_only_my_units(client_as, django_assert_max_num_queries):
    client = client_as("secretary_a")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("responsibilities:my_duties")).content.decode()
    assert "甲党支部" in page and "乙党支部" not in page


def test_english_is_available(client_as):
    client = client_as("admin")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("responsibilities:matrix")).content.decode()
    assert "Responsibility matrix" in page and "Branch A" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "责任矩阵" in client.get(reverse("responsibilities:matrix")).content.decode()


def test_units_and_duties_admin_pages_open(client_as, cast):
    client = client_as("admin")
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    for model in ("unit", "post", "duty", "assignment", "category", "checklist", "tenure"):
        assert client.get(reverse(f"admin:responsibilities_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:responsibilities_duty_export")).status_code == 200
    assert Duty.objects.exists() and Unit.objects.exists()
