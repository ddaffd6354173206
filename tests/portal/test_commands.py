import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image
from reversion.models import Revision, Version
from reversion.revisions import create_revision

from parks.models import Indicator, Metric, Milestone, Park
from portal.management.commands.load_initial_data import fixture_files
from portal.management.placeholders import PlaceholderText, find_cjk_font, render_placeholder
from portal.models import Article, Photo, SiteSettings

pytestmark = pytest.mark.django_db

SECTION_HEADINGS = [
    "“智”汇高新 人才高地新魅力",
    "优化均衡 产业结构新升级",
    "科技引领 创新驱动新跃迁",
    "高效务实 服务双创新生态",
    "合纵连横 产学研平台新跨越",
    "增强合作 协同发展新路径",
]


def load(**kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_initial_data", stdout=out, stderr=err, **kwargs)
    return out.getvalue()


def fixture_counts():
    counts = {}
    for path in fixture_files():
        for record in json.loads(path.read_text(encoding="utf-8")):
            counts[record["model"]] = counts.get(record["model"], 0) + 1
    return counts


def media_files(root):
    root = Path(root)
    return {
        str(path.relative_to(root)): hashlib.sha1(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def database_state():
    state = {}
    for label in fixture_counts():
        model = apps.get_model(label)
        state[label] = serializers.serialize("json", model._default_manager.order_by("pk"))
    state["revisions"] = Revision.objects.count()
    state["versions"] = Version.objects.count()
    return state


def test_fixtures_hold_the_article_and_park_content():
    counts = fixture_counts()
    assert counts["portal.photo"] == 6
    assert counts["portal.article"] == 1
    assert counts["portal.articlesection"] == 6
    assert counts["parks.park"] == 1
    assert counts["parks.area"] == 3
    assert counts["parks.industry"] == 6
    assert counts["parks.honour"] == 9
    assert counts["parks.profileitem"] == 13  # 3 missions, 3 management, 5 opportunities, 2 regional roles


def test_load_initial_data_loads_every_fixture_row():
    output = load()

    for label, count in fixture_counts().items():
        assert apps.get_model(label)._default_manager.count() == count, label
    assert "Initial data loaded." in output


def test_site_settings_a_page_view_created_first_take_the_fixture_values(client):
    """A visitor (or a health check) before load_initial_data creates the settings row with
    defaults; loading then fills it in instead of skipping the row as already present."""
    client.get("/")
    blank_name = SiteSettings.objects.get().zone_name
    load()
    settings = SiteSettings.objects.get()
    assert settings.zone_name != blank_name and "柳州" in settings.zone_name


def test_site_settings_edited_in_the_admin_are_kept(staff_client):
    settings = SiteSettings.load()
    with create_revision():
        settings.zone_name = "编辑改过的名称"
        settings.save()
    load()
    assert SiteSettings.objects.get().zone_name == "编辑改过的名称"


def test_loaded_figures_keep_value_change_and_scope():
    load()

    output_value = Indicator.objects.get(metric__name="工业总产值", year=2017)
    assert output_value.value == Decimal("1829.84")
    assert output_value.yoy_change == Decimal("9.19")
    assert output_value.scope_note == "一区多园口径"
    assert output_value.featured
    foreign = Indicator.objects.get(metric__name="外资到位", year=2017)
    assert (foreign.value, foreign.metric.unit, foreign.yoy_change) == (Decimal("9651"), "万美元", Decimal("13.02"))
    ranking = Indicator.objects.get(metric__category="ranking", year=2017)
    assert ranking.value == 45 and ranking.metric.higher_is_better is False and ranking.featured
    assert "156" in ranking.note
    assert Indicator.objects.filter(featured=True).count() == 7


def test_patent_applications_are_dated_as_of_november():
    load()

    patents = Indicator.objects.filter(metric__name="专利申报量").order_by("year")
    assert [(row.year, row.value) for row in patents] == [(2012, Decimal("684")), (2017, Decimal("1610"))]
    assert patents.last().period_display == "截至2017年11月"
    assert patents.first().period_display == "2012年"


def test_milestones_and_park_dates_render_only_what_is_known():
    load()

    shown = [milestone.date_display for milestone in Milestone.objects.all()]
    assert {"1992年9月", "2005年", "2008年", "2010年9月"} <= set(shown)
    park = Park.objects.get()
    assert park.approved_on_display == "1992年9月"
    assert park.upgraded_on_display == "2010年9月"
    assert (park.approval_body, park.upgrade_body, park.level) == ("广西壮族自治区政府", "国务院", "national")
    assert park.planned_area == Decimal("1.1")


def test_photos_are_placeholders_with_credit():
    load()

    photo = Photo.objects.get(caption="严把质量关")
    assert photo.credit == "罗秋宁"
    assert photo.credit_display == "罗秋宁/摄"
    assert Photo.objects.get(caption="生产协奏曲").credit == "韦明凤"
    assert Photo.objects.filter(credit="").count() == 4
    assert all(photo.is_placeholder and "占位图" in photo.alt_text for photo in Photo.objects.all())
    assert Photo.objects.filter(featured=True).exists()


def test_article_has_its_sections_and_repaired_page_breaks():
    load()

    article = Article.objects.get()
    assert (article.column, article.title, article.author) == ("园区巡礼", "提速增效 超常发展", "廖婧")
    assert article.subtitle == "柳州高新区成区域经济“排头兵”"
    assert [section.heading for section in article.sections.order_by("ordering")] == SECTION_HEADINGS
    assert article.photos.count() == 6
    text = article.lead + "".join(section.body for section in article.sections.all())
    assert "“一套人马、两块牌子”" in article.lead
    assert "2017年全年新增孵化企业103家" in text
    assert "国际合作技术中心项目，旨在" in text
    last = article.sections.order_by("ordering").last().body
    assert "由柳州城市职业学院、上汽通用五菱印尼汽车有限公司、印尼西卡朗西部国立第一职业学校" in last
    assert last.rstrip().endswith("先进制造等领域成果转化进行合作。")
    assert "用五菱印尼" not in article.lead
    assert "\n\n子" not in text and "上汽通\n" not in text


def test_renditions_are_built_and_stored(media_root):
    load()

    for photo in Photo.objects.all():
        assert default_storage.exists(photo.image.name)
        assert (photo.width, photo.height) == (1600, 1067)
        assert photo.renditions["source"] == photo.image.name
        for name in ("thumb", "card", "full"):
            assert default_storage.exists(photo.renditions[name]["name"]), (photo.caption, name)
        assert photo.srcset.count("w,") == 2


def test_second_run_changes_nothing(media_root):
    load()
    first_files = media_files(media_root)
    first_state = database_state()
    assert first_state["revisions"] > 0

    output = load()

    assert media_files(media_root) == first_files
    assert database_state() == first_state
    assert "0 generated" in output
    assert "0 built" in output
    assert "Revisions: 0 new" in output


def test_every_path_of_the_loader_stores_photo_dimensions(media_root):
    """Built, kept (current) and restored renditions alike leave no photo without its width and
    height: pages never read them from the file (portal.fields.StoredDimensionsImageField)."""
    load()  # built
    Photo.objects.update(width=None, height=None)  # rows loaded by an older loader
    load()  # renditions current: kept
    assert not Photo.objects.filter(width=None).exists() and not Photo.objects.filter(height=None).exists()

    output = load(reset=True)  # loaddata empties renditions and dimensions: renditions restored

    assert "0 built" in output
    assert set(Photo.objects.values_list("width", "height")) == {(1600, 1067)}


def test_existing_image_files_are_not_overwritten(media_root):
    name = "photos/article/yan-ba-zhi-liang-guan.jpg"
    path = Path(media_root) / name
    path.parent.mkdir(parents=True)
    Image.new("RGB", (300, 200), (10, 20, 30)).save(path, format="JPEG")
    before = path.read_bytes()

    load()

    assert path.read_bytes() == before
    photo = Photo.objects.get(image=name)
    assert (photo.width, photo.height) == (300, 200)
    assert default_storage.exists(photo.renditions["card"]["name"])


def test_rerun_rebuilds_renditions_whose_files_went_missing(media_root):
    load()
    photo = Photo.objects.get(caption="柳州摩天轮")
    default_storage.delete(photo.renditions["thumb"]["name"])

    output = load()

    photo.refresh_from_db()
    assert default_storage.exists(photo.renditions["thumb"]["name"])
    assert "1 built" in output


def test_placeholder_is_drawn_with_and_without_a_cjk_font():
    text = PlaceholderText(caption="严把质量关", credit="罗秋宁")
    for font_path in (find_cjk_font(), None):
        content = render_placeholder(text, key="photos/article/yan-ba-zhi-liang-guan.jpg", font_path=font_path)
        with Image.open(io.BytesIO(content)) as image:
            assert (image.format, image.size) == ("JPEG", (1600, 1067))


def test_loaded_ids_match_fixture_keys():
    load()

    for path in fixture_files():
        for record in json.loads(path.read_text(encoding="utf-8")):
            model = apps.get_model(record["model"])
            assert model._default_manager.filter(pk=record["pk"]).exists(), record
    assert Metric.objects.filter(slug="").count() == 0


def test_every_loaded_row_passes_model_validation():
    load()

    for label in fixture_counts():
        for obj in apps.get_model(label)._default_manager.all():
            obj.full_clean()


def test_a_rerun_keeps_what_editors_changed_and_reset_restores_the_article():
    load()
    photo = Photo.objects.get(caption="严把质量关")
    photo.caption = "编辑改过的说明"
    photo.save()
    load()
    photo.refresh_from_db()
    assert photo.caption == "编辑改过的说明"

    versions_before = Version.objects.get_for_object(photo).count()
    load(reset=True)
    photo.refresh_from_db()
    assert photo.caption == "严把质量关"
    assert Version.objects.get_for_object(photo).count() == versions_before + 1


def test_a_deleted_row_comes_back_on_the_next_run():
    load()
    Milestone.objects.filter(title__contains="汽车城").delete()
    load()
    assert Milestone.objects.filter(title__contains="汽车城").count() == 1
