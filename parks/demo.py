"""The park section's demo rows for `manage.py generate_demo_data` (see portal.demo): a few
fictional parks (after the zone's own in the park ordering, so never taken for the zone), each
with areas, history milestones, industries and honours. The parks are flagged `is_sample`
(badged 示例, left out of sitemaps, deleted by remove_sample_data) and their slugs start with
"demo--"; areas, milestones, industries and honours have no flag: they hang off a generated park
and go with it.
"""

from portal.demo import FIELDS, PLACES, DemoRun, generated, paragraph, precise_date, unique_names
from portal.publishing import Status

from .models import Area, Honour, HonourLevel, Industry, IndustryRole, Milestone, Park, ParkLevel

# Rows per unit of scale (N=1); areas, milestones, industries and honours are per park.
PER_SCALE = {"parks": 2}
PER_PARK = {"areas": 4, "milestones": 20, "industries": 6, "honours": 5}

MILESTONE_EVENTS = (
    "获批设立",
    "启动建设",
    "首批企业入驻",
    "产值突破百亿元",
    "升级为国家级高新区",
    "开展体制机制改革",
    "引进重点项目",
)
HONOURS = ("国家级{field}产业示范基地", "{field}创新型产业集群试点", "省级{field}特色产业园区", "{field}知识产权示范园区")
PARK_SUFFIX = "高新技术产业园"
AREA_ROLES = ("原核心区", "进驻片区", "合并新区", "拓展区")


def generate(run: DemoRun) -> None:
    rng = run.rng("parks")
    with run.step(Park):
        taken = set(Park.objects.values_list("name", flat=True))
        names = unique_names(rng, lambda r: f"示例{r.choice(PLACES)}{PARK_SUFFIX}", run.count(PER_SCALE["parks"]), taken)
        parks = [
            Park(
                name=name,
                short_name=name.removeprefix("示例").removesuffix(PARK_SUFFIX) + "高新园",
                slug=run.slug(name, 80),
                summary=paragraph(rng, 3),
                approved_on=run.past_date(rng, 9000).replace(day=1),
                approval_body="示例自治区人民政府",
                level=rng.choice(ParkLevel.values),
                photo_id=run.pick_photo(rng, 0.8),
                ordering=1000 + index,  # after the zone's own park, which pages take as the zone
                status=Status.PUBLISHED,
                published_at=run.moment(-rng.randrange(400, 3000), rng),
                is_sample=True,
            )
            for index, name in enumerate(names)
        ]
        run.insert(Park, parks)
    with run.step(Area):
        run.insert(
            Area,
            [
                Area(
                    park_id=park.pk,
                    name=(name := f"{park.short_name[:-3]}{rng.choice(PLACES)}片区"),
                    slug=run.slug(name, 80),
                    role=rng.choice(AREA_ROLES),
                    description=paragraph(rng, 2),
                    ordering=order,
                    **precise_date(run, rng),
                    **run.publishing(rng),
                )
                for park in parks
                for order in range(PER_PARK["areas"])
            ],
        )
    with run.step(Milestone):
        run.insert(
            Milestone,
            [
                Milestone(
                    park_id=park.pk,
                    title=f"{park.short_name}{rng.choice(MILESTONE_EVENTS)}",
                    body=paragraph(rng, 2),
                    photo_id=run.pick_photo(rng, 0.2),
                    **precise_date(run, rng),
                    **run.publishing(rng),
                )
                for park in parks
                for _index in range(PER_PARK["milestones"])
            ],
        )
    with run.step(Industry):
        rows = []
        for park in parks:
            for order, field in enumerate(rng.sample(FIELDS, PER_PARK["industries"])):
                rows.append(
                    Industry(
                        park_id=park.pk,
                        name=field,
                        slug=run.slug(f"{park.short_name}{field}", 80),
                        role=IndustryRole.PILLAR if order < 2 else IndustryRole.STRATEGIC,
                        description=paragraph(rng, 2),
                        ordering=order,
                        **run.publishing(rng),
                    )
                )
        run.insert(Industry, rows)
    with run.step(Honour):
        run.insert(
            Honour,
            [
                Honour(
                    park_id=park.pk,
                    name=rng.choice(HONOURS).format(field=rng.choice(FIELDS)),
                    level=rng.choice(HonourLevel.values),
                    awarded_by="示例部委",
                    description=paragraph(rng, 1),
                    ordering=1000,
                    **precise_date(run, rng),
                    **run.publishing(rng),
                )
                for park in parks
                for _index in range(PER_PARK["honours"])
            ],
        )


def generated_rows() -> list:
    """The generated parks; their areas, milestones, industries and honours go with them (CASCADE)."""
    return [generated(Park)]
