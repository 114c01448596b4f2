"""The staff workflow without dead ends: campaign forms that keep what was typed, the filter
builder, unknown filters refused, campaigns edited and closed by who may, the paginated
drill-down and the way back after an edit, account pages for admins, worklists people use."""
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from kms.campaigns import CampaignError, checked_campaign, get_campaign


def _post(site, client, path, data, page="/kampanye"):
    return client.post(path, data={"csrf_token": site.token(client.get(page).text), **data})


def _campaign_id(response) -> int:
    return int(urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1])


def test_unknown_filter_keys_and_past_deadlines_are_refused():
    with pytest.raises(CampaignError) as caught:
        checked_campaign("Uji", "foo=bar&province=73", 80, None)
    assert "foo" in caught.value.errors["filters"]
    with pytest.raises(CampaignError) as caught:
        checked_campaign("", "provinse=73", 150, "2020-01-01")
    assert set(caught.value.errors) == {"name", "filters", "threshold", "deadline"}   # every field at once
    assert checked_campaign("Uji", "province=73&sector=&year_from=2018", 80, None)["filters"] == \
        "province=73&year_from=2018"


def test_the_filter_builder_makes_the_campaign(site):
    admin = site.client("admin")
    form = admin.get("/kampanye/baru").text
    assert 'name="province"' in form and 'name="sector"' in form and 'name="hub"' in form
    made = _post(site, admin, "/kampanye", {"name": "Kesehatan Sulsel", "threshold": "75", "deadline": "2099-12-31",
                                             "province": "73", "sector": "kesehatan", "year_from": "2016",
                                             "regency": "73.07, 73.71"}, "/kampanye/baru")
    assert made.status_code == 302
    campaign = get_campaign(site.db(), _campaign_id(made))
    assert parse_qs(campaign.filters) == {"province": ["73"], "regency": ["73.07", "73.71"],
                                          "sector": ["kesehatan"], "year_from": ["2016"]}
    dashboard = admin.get(made.headers["Location"]).text
    expected = admin.get("/api/search?province=73&regency=73.07&regency=73.71&sector=kesehatan&year_from=2016").json
    assert int(re.search(r'id="records">(\d+)', dashboard).group(1)) == expected["total"]


def test_a_bad_form_comes_back_with_its_messages_and_what_was_typed(site):
    admin = site.client("admin")
    bad = _post(site, admin, "/kampanye", {"name": "Pemutakhiran Jatim", "threshold": "70", "deadline": "31-12-2027",
                                           "province": "35", "filters": "foo=bar"}, "/kampanye/baru")
    assert bad.status_code == 400
    page = bad.text
    assert 'id="error-deadline"' in page and "Tenggat harus tanggal" in page
    assert 'id="error-filters"' in page and "foo" in page
    assert 'value="Pemutakhiran Jatim"' in page and 'value="70"' in page and 'value="31-12-2027"' in page
    assert re.search(r'<option value="35" selected>', page)           # the builder keeps its choices


def test_campaigns_are_edited_and_closed_by_those_who_may(site):
    admin, operator, editor = site.client("admin"), site.client("operator"), site.client("editor")
    made = _post(site, admin, "/kampanye", {"name": "Nasional", "threshold": "80"}, "/kampanye/baru")
    campaign_id = _campaign_id(made)
    edit_page = admin.get(f"/kampanye/{campaign_id}/ubah").text
    assert 'value="Nasional"' in edit_page
    saved = _post(site, admin, f"/kampanye/{campaign_id}/ubah", {"name": "Nasional 2027", "threshold": "85",
                                                                  "award": "top99"}, f"/kampanye/{campaign_id}/ubah")
    assert saved.status_code == 302
    campaign = get_campaign(site.db(), campaign_id)
    assert (campaign.name, campaign.threshold, campaign.filters) == ("Nasional 2027", 85, "award=top99")
    assert operator.get(f"/kampanye/{campaign_id}/ubah").status_code == 403      # another scope's campaign
    assert editor.get(f"/kampanye/{campaign_id}/ubah").status_code == 403        # editors do not manage them
    assert _post(site, editor, f"/kampanye/{campaign_id}/tutup", {}).status_code == 403
    closed = _post(site, admin, f"/kampanye/{campaign_id}/tutup", {})
    assert closed.status_code == 302 and get_campaign(site.db(), campaign_id).closed_at
    dashboard = admin.get(f"/kampanye/{campaign_id}").text
    assert 'id="closed"' in dashboard and 'id="reopen-campaign"' in dashboard
    assert "ditutup:" in admin.get("/kampanye").text
    _post(site, admin, f"/kampanye/{campaign_id}/tutup", {"buka": "1"})
    assert get_campaign(site.db(), campaign_id).closed_at is None


def test_the_drill_down_pages_and_an_edit_returns_to_its_place(site):
    admin = site.client("admin")
    first = admin.get("/kampanye/data").text
    total = int(re.search(r'id="count">(\d+)', first).group(1))
    assert total > 50 and first.count("data-id=") == 50 and "Halaman 1 dari" in first
    second = admin.get("/kampanye/data?page=2").text
    assert second.count("data-id=") == min(50, total - 50)
    assert admin.get("/kampanye/data?page=999").status_code == 302
    link = re.search(r'href="(/inovasi/[^"]+/ubah\?kembali=[^"]+)"', second).group(1).replace("&amp;", "&")
    record_id = link.split("/")[2]
    form = admin.get(link).text
    assert 'name="kembali" value="/kampanye/data?page=2#row-' in form and 'id="back-to-worklist"' in form
    saved = admin.post(link.split("?")[0], data={"csrf_token": site.token(form), "kembali": f"/kampanye/data?page=2#row-{record_id}",
                                                 "goals": "Tujuan yang diperbarui dari daftar kerja untuk uji kembali."})
    location = saved.headers["Location"]
    assert urlsplit(location).path == "/kampanye/data" and location.endswith(f"#row-{record_id}")
    assert parse_qs(urlsplit(location).query)["page"] == ["2"]
    for hostile in ("https://evil.example/x", "//evil.example", "/inovasi/x", "/kampanye/\\evil"):
        form = admin.get(f"/inovasi/{record_id}/ubah", query_string={"kembali": hostile}).text
        assert 'name="kembali"' not in form, hostile


def test_admins_manage_accounts_and_hub_operators_only_their_innovators(site):
    assert site.client().get("/akun").status_code == 401
    for name in ("operator-jatim", "editor"):          # a province's operator, an agency's editor
        assert site.client(name).get("/akun").status_code == 403, name
    for name in ("operator", "operator-jatim", "editor"):
        assert _post(site, site.client(name), "/akun/editor/nonaktifkan", {}).status_code == 403, name
    hub_page = site.client("operator").get("/akun").text              # an operator of the lan hub
    assert 'data-name="editor"' not in hub_page and 'data-name="admin"' not in hub_page
    admin = site.client("admin")
    page = admin.get("/akun").text
    assert 'data-name="editor"' in page and 'data-name="operator"' in page


def test_an_admin_creates_disables_and_resets_accounts(site):
    admin = site.client("admin")
    mismatch = _post(site, admin, "/akun", {"name": "penyunting-baru", "role": "agency_editor", "agency": "Pemkab Sinjai",
                                            "password": "kuda-laut-biru-77", "password2": "lain"}, "/akun")
    assert mismatch.status_code == 400 and 'value="penyunting-baru"' in mismatch.text and 'id="error-password2"' in mismatch.text
    assert "kuda-laut-biru-77" not in mismatch.text                       # a password is never echoed
    unknown = _post(site, admin, "/akun", {"name": "x1", "role": "agency_editor", "agency": "Dinas Entah Apa",
                                           "password": "kuda-laut-biru-77", "password2": "kuda-laut-biru-77"}, "/akun")
    assert unknown.status_code == 400 and 'id="error-agency"' in unknown.text
    made = _post(site, admin, "/akun", {"name": "penyunting-baru", "role": "agency_editor", "agency": "Pemkab Sinjai",
                                        "password": "kuda-laut-biru-77", "password2": "kuda-laut-biru-77"}, "/akun")
    assert made.status_code == 302
    page = admin.get("/akun").text
    assert re.search(r'data-name="penyunting-baru">.*?Pemerintah Kabupaten Sinjai', page, re.S)
    newcomer = site.app.test_client()
    assert site.login(newcomer, "penyunting-baru", "kuda-laut-biru-77").status_code == 302
    reset = _post(site, admin, "/akun/penyunting-baru/sandi", {"password": "gajah-hutan-hijau-42",
                                                               "password2": "gajah-hutan-hijau-42"}, "/akun")
    assert reset.status_code == 302 and newcomer.get("/kampanye").status_code == 401    # old session ended
    assert site.login(site.app.test_client(), "penyunting-baru", "gajah-hutan-hijau-42").status_code == 302
    assert _post(site, admin, "/akun/penyunting-baru/nonaktifkan", {}, "/akun").status_code == 302
    assert site.login(site.app.test_client(), "penyunting-baru", "gajah-hutan-hijau-42").status_code != 302
    assert _post(site, admin, "/akun/admin/nonaktifkan", {}, "/akun").status_code == 400   # not oneself


def test_worklists_people_can_use(site):
    admin = site.client("admin")
    made = _post(site, admin, "/kampanye", {"name": "Top 99 Sulsel", "threshold": "80", "province": "73"}, "/kampanye/baru")
    campaign_id = _campaign_id(made)
    response = admin.get(f"/kampanye/daftar-kerja.xlsx?campaign={campaign_id}")
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'daftar-kerja-top-99-sulsel-\d{4}-\d{2}-\d{2}\.xlsx', disposition)
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert {"Kontak", "Inovator", "Unit", "Tautan perbarui"} <= set(header)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    link_column = header.index("Tautan perbarui") + 1
    links = [sheet.cell(row=r, column=link_column) for r in range(2, sheet.max_row + 1)]
    assert links and all(cell.hyperlink and cell.hyperlink.target.endswith("/ubah") for cell in links)
    csv_file = admin.get(f"/kampanye/daftar-kerja.csv?campaign={campaign_id}")
    assert csv_file.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Kontak" in csv_file.data.decode("utf-8-sig").splitlines()[0]


def test_charts_have_tables_and_each_table_its_own_sort(site):
    admin = site.client("admin")
    page = admin.get("/kampanye?sort_agency=label&dir_agency=asc").text
    assert 'id="histogram-table"' in page and "<figcaption>" in page
    agency = page.split('data-group="agency"')[1].split("</table>")[0]
    names = re.findall(r'<th scope="row"><a [^>]+>([^<]*)</a></th>', agency)
    assert names == sorted(names, key=str.lower) and len(names) > 3
    hub = page.split('data-group="hub"')[1].split("</table>")[0]
    counts = [int(n) for n in re.findall(r'<th scope="row"><a [^>]+>[^<]*</a></th>\s*<td>(\d+)</td>', hub)]
    assert counts == sorted(counts, reverse=True)                         # not re-sorted by the other table


def test_an_agency_editor_sees_the_campaigns_covering_its_records(site):
    admin, editor = site.client("admin"), site.client("editor")
    _post(site, admin, "/kampanye", {"name": "Sulsel semua", "threshold": "90", "province": "73",
                                     "deadline": "2099-01-31"}, "/kampanye/baru")
    _post(site, admin, "/kampanye", {"name": "Jatim saja", "threshold": "90", "province": "35"}, "/kampanye/baru")
    page = editor.get("/kampanye").text
    section = page.split('id="covering"')[1].split("</table>")[0]
    assert "Sulsel semua" in section and "Jatim saja" not in section and "31 Januari 2099" in section


def test_a_replication_link_by_title(site):
    admin = site.client("admin")
    db = site.db()
    titles = {}
    for record_id, title in db.execute("SELECT id, title FROM innovations ORDER BY id"):
        titles.setdefault(title, []).append(record_id)
    db.close()
    unique = [(ids[0], title) for title, ids in titles.items() if len(ids) == 1 and len(title) > 20]
    (original, title), (replica, _other) = unique[0], unique[1]
    page = admin.get(f"/inovasi/{replica}")
    made = admin.post(f"/inovasi/{replica}/replikasi", data={"csrf_token": site.token(page.text), "role": "original",
                                                            "other": title, "stage": "minat"})
    assert made.status_code == 302
    assert admin.get(f"/api/innovations/{replica}/replications").json["original"]["id"] == original
