"""The innovation section's demo rows for `manage.py generate_demo_data` (see portal.demo):
partner institutions, platforms (with partners, fields of work and photos), enterprises (with
qualifications and the platform that incubated them) and achievements of those enterprises.
Every generated row is flagged `is_sample`, so pages badge it 示例 and sitemaps, feeds and
structured data leave it out; slugs mark the generated rows for a re-run (achievements hang off
generated enterprises), and the fields of work and qualifications the generator had to add
(reference terms, no flag) are found by their slug alone.
"""

from decimal import Decimal

from portal.demo import (
    BRAND_SYLLABLES,
    FIELDS,
    PLACES,
    DemoRun,
    brand,
    generated,
    paragraph,
    paragraphs,
    precise_date,
    reference_terms,
    unique_names,
)

from .models import (
    Achievement,
    AchievementKind,
    CapitalStage,
    Enterprise,
    PartnerInstitution,
    PartnerKind,
    Platform,
    PlatformKind,
    PlatformState,
    Qualification,
    TechField,
)

# Rows per unit of scale (N=1).
PER_SCALE = {"partners": 50, "platforms": 500, "enterprises": 200, "achievements": 100}

QUALIFICATIONS = ("国家级高新技术企业", "科技型中小企业", "知识产权优势企业", "专精特新企业", "瞪羚企业")
PARTNER_PATTERNS = {
    PartnerKind.UNIVERSITY: "{place}{word}大学",
    PartnerKind.VOCATIONAL: "{place}{word}职业技术学院",
    PartnerKind.INSTITUTE: "{place}{field}研究所",
    PartnerKind.LABORATORY: "{place}{field}重点实验室",
    PartnerKind.ENTERPRISE: "{place}{brand}{field}股份有限公司",
    PartnerKind.ASSOCIATION: "{place}{field}产业协会",
}
PARTNER_WORDS = ("科技", "理工", "工业", "师范", "农业", "交通", "信息工程", "汽车工程")
PLATFORM_WORDS = {
    PlatformKind.RESEARCH_INSTITUTE: "研究院",
    PlatformKind.RD_CENTRE: "研发中心",
    PlatformKind.KEY_LABORATORY: "重点实验室",
    PlatformKind.TRANSFER_CENTRE: "成果转化中心",
    PlatformKind.LABORATORY: "实验室",
    PlatformKind.INTERNATIONAL_CENTRE: "国际合作中心",
    PlatformKind.COLLABORATIVE_INSTITUTE: "协同创新研究院",
    PlatformKind.INDUSTRY_BASE: "产业基地",
    PlatformKind.INCUBATOR: "孵化器",
    PlatformKind.MAKER_SPACE: "众创空间",
    PlatformKind.ENTREPRENEURSHIP_PARK: "创新创业园",
}
ENTERPRISE_SUFFIXES = ("科技有限公司", "股份有限公司", "智能装备有限公司", "新材料有限公司", "电子有限公司")
ACHIEVEMENT_TITLES = ("{field}核心专利许可", "{field}关键技术成果转化", "{field}发明专利转让", "{field}工艺包技术许可")
VENUES = ("示例知识产权交易中心", "示例技术产权交易所", "")


def partner_name(rng, kind) -> str:
    pattern = PARTNER_PATTERNS.get(kind, PARTNER_PATTERNS[PartnerKind.INSTITUTE])
    return pattern.format(place=rng.choice(PLACES), word=rng.choice(PARTNER_WORDS), field=rng.choice(FIELDS), brand=brand(rng))


def generate_partners(run: DemoRun) -> list:
    rng = run.rng("innovation.partners")
    count = run.count(PER_SCALE["partners"])
    kinds = [rng.choice(list(PARTNER_PATTERNS)) for _ in range(count)]
    with run.step(PartnerInstitution):
        taken = set(PartnerInstitution.objects.values_list("name", flat=True))
        names = []
        for kind in kinds:
            names += unique_names(rng, lambda r, kind=kind: partner_name(r, kind), 1, taken)
            taken.add(names[-1])
        partners = [
            PartnerInstitution(
                name=name,
                short_name=name[:6],
                slug=run.slug(name, 80),
                kind=kind,
                city=rng.choice(PLACES),
                distinction=f"{rng.choice(FIELDS)}领域的重要合作方" if rng.random() < 0.3 else "",
                description=paragraph(rng, 2),
                ordering=1000,
                is_sample=True,
                **run.publishing(rng),
            )
            for name, kind in zip(names, kinds, strict=True)
        ]
        return run.insert(PartnerInstitution, partners)


def generate_platforms(run: DemoRun, partners: list) -> list:
    rng = run.rng("innovation.platforms")
    with run.step(TechField):
        fields = reference_terms(run, TechField, FIELDS)
    with run.step(Platform):
        kinds = list(PLATFORM_WORDS)
        taken = set(Platform.objects.values_list("name", flat=True))
        count = run.count(PER_SCALE["platforms"])
        platforms = []
        for _index in range(count):
            kind = rng.choice(kinds)
            [name] = unique_names(
                rng, lambda r, kind=kind: f"{r.choice(PLACES)}{r.choice(FIELDS)}{PLATFORM_WORDS[kind]}", 1, taken
            )
            taken.add(name)
            platforms.append(
                Platform(
                    name=name,
                    slug=run.slug(name, 100),
                    kind=kind,
                    state=rng.choice(PlatformState.values + [""]),
                    summary=paragraph(rng, 2),
                    body=paragraphs(rng, rng.randint(2, 4)),
                    ordering=1000,
                    is_sample=True,
                    **precise_date(run, rng, 5000),
                    **run.publishing(rng),
                )
            )
        run.insert(Platform, platforms)
        links = [(p.pk, x.pk) for p in platforms for x in rng.sample(partners, min(len(partners), rng.randint(1, 3)))]
        run.link(Platform.partners, links)
        run.link(Platform.tech_fields, [(p.pk, f.pk) for p in platforms for f in rng.sample(fields, rng.randint(1, 3))])
        run.link(Platform.photos, [(p.pk, photo) for p in platforms if (photo := run.pick_photo(rng, 0.5))])
    return platforms


def generate_enterprises(run: DemoRun, platforms: list) -> list:
    rng = run.rng("innovation.enterprises")
    with run.step(Qualification):
        qualifications = reference_terms(run, Qualification, QUALIFICATIONS)
    with run.step(Enterprise):
        taken = set(Enterprise.objects.values_list("name", flat=True))
        make = lambda r: f"{r.choice(PLACES)}{brand(r)}{r.choice(ENTERPRISE_SUFFIXES)}"  # noqa: E731
        names = unique_names(rng, make, run.count(PER_SCALE["enterprises"]), taken)
        enterprises = [
            Enterprise(
                name=name,
                short_name="".join(rng.sample(BRAND_SYLLABLES, 2)) + "科技",
                slug=run.slug(name, 80),
                sector=rng.choice(FIELDS),
                capital_stage=rng.choice(CapitalStage.values) if rng.random() < 0.3 else "",
                description=paragraph(rng, 3),
                ordering=1000,
                is_sample=True,
                **run.publishing(rng),
            )
            for name in names
        ]
        run.insert(Enterprise, enterprises)
        run.link(
            Enterprise.qualifications, [(e.pk, q.pk) for e in enterprises for q in rng.sample(qualifications, rng.randint(0, 2))]
        )
        run.link(Enterprise.incubated_at, [(e.pk, rng.choice(platforms).pk) for e in enterprises if rng.random() < 0.4])
    return enterprises


def generate_achievements(run: DemoRun, enterprises: list) -> None:
    rng = run.rng("innovation.achievements")
    with run.step(Achievement):
        rows = [
            Achievement(
                title=rng.choice(ACHIEVEMENT_TITLES).format(field=rng.choice(FIELDS)),
                kind=rng.choice(AchievementKind.values),
                enterprise_id=rng.choice(enterprises).pk,
                parties=f"{rng.choice(PLACES)}{brand(rng)}研究院",
                amount=Decimal(rng.randrange(10, 5000)),
                venue=rng.choice(VENUES),
                description=paragraph(rng, 2),
                ordering=1000,
                is_sample=True,
                **precise_date(run, rng, 3000),
                **run.publishing(rng),
            )
            for _index in range(run.count(PER_SCALE["achievements"]))
        ]
        run.insert(Achievement, rows)


def generate(run: DemoRun) -> None:
    partners = generate_partners(run)
    platforms = generate_platforms(run, partners)
    enterprises = generate_enterprises(run, platforms)
    generate_achievements(run, enterprises)


def generated_rows() -> list:
    """Generated rows, children first (an achievement's enterprise is PROTECTed)."""
    enterprises = generated(Enterprise)
    return [
        Achievement.objects.filter(enterprise__in=enterprises),
        enterprises,
        generated(Platform),
        generated(PartnerInstitution),
        generated(TechField),
        generated(Qualification),
    ]
