"""The talent section's demo rows for `manage.py generate_demo_data` (see portal.demo): awards
with categories, award cycles (ten editions an award, the latest open, upcoming, under review or
announced, counted from today), laureates of the announced cycles, and experts with their fields
and services. Every row is flagged `is_sample`; slugs mark the generated awards, categories and
experts, and cycles and laureates hang off generated awards.
"""

import datetime

from portal.demo import (
    FIELDS,
    PLACES,
    DemoRun,
    brand,
    generated,
    paragraph,
    person_name,
    reference_terms,
    unique_names,
)
from portal.publishing import Status

from .models import Award, AwardCategory, AwardCycle, Expert, ExpertField, ExpertService, ExpertTitle, Laureate

# Rows per unit of scale (N=1).
PER_SCALE = {"experts": 1000, "cycles": 50, "laureates": 5000}
EDITIONS_PER_AWARD = 10

AWARD_KINDS = ("创新领军人才奖", "青年科技英才奖", "优秀企业家奖", "高技能人才奖", "科技进步奖", "杰出工程师奖", "引才伯乐奖")
CATEGORIES = ("专业技术人才", "经营管理人才", "青年人才", "技能人才", "创新团队")
SERVICES = ("一对一技术咨询", "战略辅导", "项目评审", "人才培训", "成果转化对接")
INSTITUTIONS = (
    "广西科技大学",
    "示例理工大学",
    "示例工业大学",
    "示例农业大学",
    "示例汽车研究院",
    "示例材料研究所",
    "示例机械研究院",
    "示例电子信息研究所",
    "示例医药研究院",
    "示例智能制造研究院",
)
ORGANISERS = ("园区管委会", "园区人才工作领导小组", "市科学技术局", "园区组织人事部")
CITATIONS = (
    "长期扎根{field}领域，主持完成多项关键技术攻关。",
    "带领团队实现{field}产品国产化，经济效益显著。",
    "在{field}方向取得系列原创成果，培养青年骨干十余名。",
    "推动{field}成果在园区企业转化落地。",
)


def expert_bio(rng, field_names) -> str:
    return f"长期从事{'、'.join(field_names)}方面的研究与咨询。{paragraph(rng, 2)}"


def generate_experts(run: DemoRun) -> None:
    rng = run.rng("talent.experts")
    with run.step(ExpertField):
        fields = reference_terms(run, ExpertField, FIELDS[:12])
    with run.step(ExpertService):
        services = reference_terms(run, ExpertService, SERVICES)
    with run.step(Expert):
        experts, chosen_fields = [], []
        for _index in range(run.count(PER_SCALE["experts"])):
            name = person_name(rng)
            picked = rng.sample(fields, rng.randint(1, 3))
            chosen_fields.append(picked)
            experts.append(
                Expert(
                    name=name,
                    slug=run.slug(name, 80),
                    title=rng.choice(ExpertTitle.values),
                    institution=rng.choice(INSTITUTIONS),
                    bio=expert_bio(rng, [field.name for field in picked]),
                    photo_id=run.pick_photo(rng, 0.3),
                    is_sample=True,
                    **run.publishing(rng),
                )
            )
        run.insert(Expert, experts)
        run.link(
            Expert.fields, [(expert.pk, f.pk) for expert, picked in zip(experts, chosen_fields, strict=True) for f in picked]
        )
        run.link(Expert.services, [(expert.pk, s.pk) for expert in experts for s in rng.sample(services, rng.randint(0, 2))])


def cycle_dates(run: DemoRun, rng, award_frequency: int, edition: int, editions: int, latest_phase: str) -> dict:
    """The nomination window and announcement of one edition. The latest edition is placed around
    today by `latest_phase`; earlier ones `award_frequency` years apart before it, announced."""
    if edition == editions and latest_phase != "announced":
        if latest_phase == "open":
            opens = run.moment(-rng.randrange(5, 40))
        elif latest_phase == "upcoming":
            opens = run.moment(rng.randrange(10, 120))
        else:  # under review: closed, not yet announced
            opens = run.moment(-rng.randrange(80, 120))
        closes = opens + datetime.timedelta(days=60, hours=8)
        announced = closes.date() + datetime.timedelta(days=rng.randrange(90, 150))
        if latest_phase == "review" and announced <= run.today:
            announced = run.today + datetime.timedelta(days=30)
        return {"nomination_opens": opens, "nomination_closes": closes, "announcement_date": announced, "year": opens.year}
    years_back = (editions - edition) * award_frequency + 1
    opens = run.moment(-365 * years_back - rng.randrange(0, 120))
    closes = opens + datetime.timedelta(days=rng.randrange(30, 75), hours=8)
    announced = closes.date() + datetime.timedelta(days=rng.randrange(60, 120))
    return {"nomination_opens": opens, "nomination_closes": closes, "announcement_date": announced, "year": opens.year}


def generate_awards(run: DemoRun) -> None:
    rng = run.rng("talent.awards")
    cycles_wanted = run.count(PER_SCALE["cycles"])
    award_count = -(-cycles_wanted // EDITIONS_PER_AWARD)
    with run.step(Award):
        taken = set(Award.objects.values_list("name", flat=True))
        names = unique_names(rng, lambda r: f"{r.choice(PLACES)}{r.choice(AWARD_KINDS)}", award_count, taken)
        awards = [
            Award(
                name=name,
                slug=run.slug(name, 80),
                summary=f"表彰在园区{rng.choice(FIELDS)}等领域作出突出贡献的人才。",
                description=paragraph(rng, 3),
                organiser=rng.choice(ORGANISERS),
                frequency_years=rng.choice((1, 2, 2)),
                prize_amount=rng.choice((5, 10, 20, 30, 50)),
                eligibility=paragraph(rng, 2),
                nominator_eligibility="园区企业\n高校和科研院所\n行业协会",
                selection_procedure="提名\n资格审核\n专家评审\n公示\n公布结果",
                ordering=1000 + index,
                is_sample=True,
                status=Status.DRAFT if index and rng.random() < 0.04 else Status.PUBLISHED,  # the first always public
                published_at=run.moment(-rng.randrange(400, 3000), rng),
            )
            for index, name in enumerate(names)
        ]
        run.insert(Award, awards)
    with run.step(AwardCategory):
        categories = {}
        rows = []
        for award in awards:
            for order, name in enumerate(rng.sample(CATEGORIES, rng.randint(2, 4))):
                category = AwardCategory(
                    award_id=award.pk,
                    name=name,
                    slug=run.slug(f"{award.name}{name}", 80),
                    eligibility=paragraph(rng, 1),
                    ordering=order,
                    is_sample=True,
                )
                rows.append(category)
                categories.setdefault(award.pk, []).append(category)
        run.insert(AwardCategory, rows)
    with run.step(AwardCycle):
        cycles = []
        remaining = cycles_wanted
        for award in awards:
            editions = min(EDITIONS_PER_AWARD, remaining)
            remaining -= editions
            phase = rng.choices(("open", "upcoming", "review", "announced"), (3, 2, 1, 4))[0]
            for edition in range(1, editions + 1):
                cycles.append(
                    AwardCycle(
                        award_id=award.pk,
                        edition=edition,
                        notes=f"第{edition}届评选。" if rng.random() < 0.5 else "",
                        is_sample=True,
                        status=Status.PUBLISHED,
                        published_at=run.moment(-rng.randrange(400, 3000), rng),
                        **cycle_dates(run, rng, award.frequency_years, edition, editions, phase),
                    )
                )
        run.insert(AwardCycle, cycles)
    generate_laureates(run, rng, cycles, categories)


def generate_laureates(run: DemoRun, rng, cycles: list, categories: dict) -> None:
    """The laureates, spread over the cycles announced by today, unique per cycle and category."""
    announced = [cycle for cycle in cycles if cycle.announcement_date <= run.today]
    total = run.count(PER_SCALE["laureates"])
    with run.step(Laureate):
        rows = []
        for index, cycle in enumerate(announced):
            share = total // len(announced) + (1 if index < total % len(announced) else 0)
            taken = set()
            for order in range(share):
                category = rng.choice(categories[cycle.award_id])
                while (name := person_name(rng)) in taken:
                    pass
                taken.add(name)
                rows.append(
                    Laureate(
                        cycle_id=cycle.pk,
                        category_id=category.pk,
                        name=name,
                        organisation=f"{rng.choice(PLACES)}{brand(rng)}科技有限公司"
                        if rng.random() < 0.6
                        else rng.choice(INSTITUTIONS),
                        citation=rng.choice(CITATIONS).format(field=rng.choice(FIELDS)),
                        photo_id=run.pick_photo(rng, 0.1),
                        ordering=order,
                        is_sample=True,
                        status=Status.PUBLISHED if rng.random() > 0.02 else Status.DRAFT,
                        published_at=cycle.nomination_closes,
                    )
                )
        run.insert(Laureate, rows)


def generate(run: DemoRun) -> None:
    generate_experts(run)
    generate_awards(run)


def generated_rows() -> list:
    """Generated rows, children first (a laureate's category is PROTECTed)."""
    awards = generated(Award)
    return [
        Laureate.objects.filter(cycle__award__in=awards),
        AwardCycle.objects.filter(award__in=awards),
        generated(AwardCategory),
        awards,
        generated(Expert),
        generated(ExpertField),
        generated(ExpertService),
    ]
