from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import text_field
from responsibilities.forms import offer_organizations
from responsibilities.models import Post
from responsibilities.selectors import sole_organization

from .models import AppraisalRound, RaterRole

ROUND_FIELDS = [
    "title",
    "due_on",
    "min_valid_ballots",
    "leadership_weight",
    "committee_weight",
    "peer_weight",
    "peer_sample_size",
]


class RoundForm(forms.ModelForm):
    class Meta:
        model = AppraisalRound
        fields = ROUND_FIELDS
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        weights = [data.get(name) for name in ("leadership_weight", "committee_weight", "peer_weight")]
        if any(w is not None and w < 0 for w in weights):
            raise forms.ValidationError(_("Weights cannot be negative."))
        if all(w is not None for w in weights) and sum(weights) <= 0:
            raise forms.ValidationError(_("At least one rater role needs a weight above 0."))
        return data


class NewRoundForm(RoundForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)

    class Meta(RoundForm.Meta):
        fields = ["year", *ROUND_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_organizations(self)  # asked only when the installation holds several

    def clean(self):
        data = super().clean()
        year, organization = data.get("year"), data.get("organization") or sole_organization()
        if year and organization:
            rounds = AppraisalRound.objects.filter(province=organization.pk, organization=organization, year=year)
            if rounds.exists():
                self.add_error("year", _("There is already an appraisal round for this year."))
        return data


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=100)
    description = forms.CharField(label=_("What it covers"), max_length=300, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"))


class LevelForm(forms.Form):
    name = forms.CharField(label=_("Grade"), max_length=20)
    points = forms.DecimalField(label=_("Points"), max_digits=5, decimal_places=2, min_value=0, max_value=100)
    min_score = forms.DecimalField(
        label=_("Overall score from"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )


class _AtLeastOne(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if len(kept) < self.min_kept:
            raise forms.ValidationError(self.min_message)
        names = [row["name"].strip() for row in kept]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Each name may appear once."))

    def rows(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


class CriterionFormSetBase(_AtLeastOne):
    min_kept = 1
    min_message = _("Keep at least one criterion.")


class LevelFormSetBase(_AtLeastOne):
    min_kept = 2
    min_message = _("The grade scale needs at least two grades.")

    def clean(self):
        super().clean()
        if any(self.errors) or self.non_form_errors():
            return
        if not any(row["min_score"] == 0 for row in self.rows()):
            raise forms.ValidationError(
                _("The lowest grade must start at an overall score of 0, so that every score has a grade.")
            )


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=CriterionFormSetBase, extra=1, can_delete=True, max_num=20
)
LevelFormSet = forms.formset_factory(LevelForm, formset=LevelFormSetBase, extra=1, can_delete=True, max_num=10)


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, posts_by_person=None, **kwargs):
        self.posts_by_person = posts_by_person or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        posts = self.posts_by_person.get(obj.pk)
        return f"{obj.display_name} · {posts}" if posts else obj.display_name


class PostChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.unit.label} · {obj.title} · {obj.holder.display_name}"


class ParticipantsForm(forms.Form):
    """Who is appraised (secretary posts) and who rates, by role. One person, one role."""

    posts = PostChoiceField(
        label=_("Appraised secretaries"),
        queryset=Post.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import secretary_posts

        # The secretaries of the organization that runs the round.
        self.fields["posts"].queryset = secretary_posts(organization).order_by("unit__path")
        held = list(Post.objects.filter(active=True, unit__active=True, holder__isnull=False).select_related("unit"))
        labels: dict[int, list[str]] = {}
        for post in held:
            labels.setdefault(post.holder_id, []).append(f"{post.unit.label}{post.title}")
        people = get_user_model().objects.filter(is_active=True, pk__in=set(labels)).order_by("username")
        names = {pk: "、".join(items) for pk, items in labels.items()}
        for role, label in RaterRole.choices:
            self.fields[role] = PersonChoiceField(
                label=label,
                queryset=people,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                posts_by_person=names,
            )

    def clean(self):
        data = super().clean()
        seen: set[int] = set()
        for role, _label in RaterRole.choices:
            for person in data.get(role) or []:
                if person.pk in seen:
                    raise forms.ValidationError(
                        _("%(name)s is chosen in two roles; keep one.") % {"name": person.display_name}
                    )
                seen.add(person.pk)
        return data

    def raters(self) -> dict[str, list[int]]:
        return {role: [p.pk for p in self.cleaned_data.get(role) or []] for role in RaterRole.values}


class ReportForm(forms.Form):
    report = text_field(
        _("Report on duty"),
        rows=12,
        max_length=20000,
        help_text=_("How you carried out your duties as first responsible person this year, with facts and numbers."),
    )
    answers = text_field(
        _("Answer to last year's findings"),
        rows=6,
        max_length=10000,
        help_text=_("For each problem found last year: what was done, and what is left."),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx"}),
        error_messages={"required": _("Choose a file to attach.")},
    )
    description = forms.CharField(label=_("What it shows"), max_length=200, required=False)


class FindingForm(forms.Form):
    text = text_field(_("Problem found"), rows=3, max_length=2000, required=_("Describe the problem found."))


class RatingForm(forms.Form):
    """A rater's sheet: for each secretary, a grade per criterion and an optional comment.

    Field names are ``m_<appraisee>_<criterion>`` and ``c_<appraisee>``. Leaving criteria
    unmarked is allowed (the ballot then does not count), but only after the rater ticks
    ``incomplete_ok``, so nobody spoils a ballot by accident.
    """

    incomplete_ok = forms.BooleanField(
        label=_("I know that a secretary I have not marked on every criterion gets an invalid ballot."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, appraisees, criteria, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.appraisees, self.criteria = appraisees, criteria
        choices = [(str(level.pk), level.name) for level in levels]
        for appraisee in appraisees:
            for criterion in criteria:
                self.fields[f"m_{appraisee.pk}_{criterion.pk}"] = forms.ChoiceField(
                    label=criterion.name,
                    choices=choices,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    required=False,
                )
            self.fields[f"c_{appraisee.pk}"] = forms.CharField(
                label=_("Your comment (optional)"),
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                required=False,
                max_length=2000,
            )

    def sheet(self):
        """(appraisee, [(criterion, bound field)], comment field) for the template."""
        for appraisee in self.appraisees:
            yield (
                appraisee,
                [(criterion, self[f"m_{appraisee.pk}_{criterion.pk}"]) for criterion in self.criteria],
                self[f"c_{appraisee.pk}"],
            )

    def clean(self):
        data = super().clean()
        incomplete = [
            a.person.display_name
            for a in self.appraisees
            if any(not data.get(f"m_{a.pk}_{c.pk}") for c in self.criteria)
        ]
        if incomplete and not data.get("incomplete_ok"):
            raise forms.ValidationError(
                _(
                    "Not every criterion is marked for: %(names)s. "
                    "Mark them, or tick the box below to cast those ballots as invalid."
                )
                % {"names": "、".join(incomplete)}
            )
        self.incomplete = incomplete
        return data

    def marks(self) -> dict[int, dict[int, int]]:
        return {
            a.pk: {
                c.pk: int(self.cleaned_data[f"m_{a.pk}_{c.pk}"])
                for c in self.criteria
                if self.cleaned_data.get(f"m_{a.pk}_{c.pk}")
            }
            for a in self.appraisees
        }

    def comments(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(f"c_{a.pk}", "") for a in self.appraisees}
