"""The report reads as a person would want: Markdown marks rendered, numbers kept on one line,
and a method that made nothing never recommended."""

from vaeaug.experiment.report import (
    _html,
    _imputed_note,
    _inline,
    data_summary,
    val_chosen_table,
)


def test_markdown_marks_render_as_html():
    assert _inline("*chosen on validation* and **bold** `code` 2 * 3") == (
        "<em>chosen on validation</em> and <strong>bold</strong> <code>code</code> 2 * 3")
    page = _html("| a | b |\n|---|---|\n| *chosen* | 97.1 ± 0.0 |", out=None)
    assert "<td><em>chosen</em></td>" in page and "white-space:nowrap" in page and "*chosen*" not in page


def _result(n_synthetic_noise: int) -> dict:
    ms = {"mean": 0.9, "std": 0.0, "values": [0.9]}
    return {
        "columns": ["baseline", "noise"], "classifiers": ["SVM"],
        "table": {"SVM": {"baseline": ms, "noise": ms}},
        "val_chosen": {"SVM": {**ms, "gain": {"mean": 0.0, "std": 0.0, "values": [0.0]}, "picks": ["noise"]}},
        "per_seed": [{"quality": {"noise": {"n_synthetic": n_synthetic_noise}}}],
    }


def test_the_picks_never_recommend_a_method_that_made_nothing():
    assert "none (real data only) (1/1)" in val_chosen_table(_result(0))
    assert "noise (1/1)" in val_chosen_table(_result(300))


def test_the_summary_says_when_the_vae_read_a_tables_columns_as_images():
    def result(shape):
        return {"dataset": {"summary": "pixels: 1797 samples of 64 (vector), 10 classes"},
                "per_seed": [{"vae": {"image_shape": shape}}, {"vae": {"image_shape": shape}}]}

    assert data_summary(result([8, 8])).endswith("(vector), 10 classes; the VAE read its columns as 8×8 images")
    assert data_summary(result([])) == "pixels: 1797 samples of 64 (vector), 10 classes"


def test_the_report_says_how_many_missing_cells_were_filled_before_the_split():
    """The filled cells were said on stderr alone; a reader of the report did not learn that the
    classifiers read medians where the table had holes."""
    note = _imputed_note({"meta": {"imputed": {"hail": 121, "date": 1, "roots": 31}}})
    assert note.startswith(" 153 missing cells in 3 columns (most in 'hail': 121) were filled before the split")
    assert _imputed_note({"meta": {"imputed": {}}}) == "" and _imputed_note({"meta": {}}) == ""
