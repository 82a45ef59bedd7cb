"""Files shaped like Brain-Score's public ones, and catalogs of them: MajajHong2015 (brainio netCDF + CSV + ZIP) and
the four language assemblies (brainio netCDF carrying their own text), each as brain-score/language's
data/<name>/data_packaging.py builds it (dims, coordinate names and dtypes; a few rows)."""
from __future__ import annotations

import csv
import hashlib
import zipfile
from pathlib import Path

import numpy as np
import xarray as xr
from PIL import Image

OBJECTS = ("animals", "boats", "cars", "chairs", "faces", "fruits", "planes", "tables")
FILES = ("assy_dicarlo_MajajHong2015_public.nc", "image_dicarlo_hvm-public.csv", "image_dicarlo_hvm-public.zip")


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def write_majajhong(folder: Path, per_object: int = 10, repetitions: int = 4, seed: int = 0) -> Path:
    """assy_dicarlo_MajajHong2015_public.nc (legacy image_id, animal, flattened MultiIndex, unnamed time bin
    coordinates as brainio writes them) + image_dicarlo_hvm-public.csv/.zip with 32x32 PNGs."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"{'%040x' % rng.integers(0, 2**62)}" for _ in range(per_object * len(OBJECTS))]
    names = [OBJECTS[i % len(OBJECTS)] for i in range(len(ids))]
    with zipfile.ZipFile(folder / FILES[2], "w") as archive:
        for sid in ids:
            image = Image.fromarray(rng.integers(0, 255, (32, 32), dtype=np.uint8), mode="L")
            path = folder / f"{sid}.png"
            image.save(path)
            archive.write(path, f"{sid}.png")
            path.unlink()
    with open(folder / FILES[1], "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["image_id", "filename", "object_name", "category_name", "variation"])
        for sid, name in zip(ids, names):
            writer.writerow([sid, f"{sid}.png", name, name, 6])
    sites = 24
    signal = rng.standard_normal((len(ids), sites)) * 10 + 30
    data = np.concatenate([signal + rng.standard_normal(signal.shape) * 4 for _ in range(repetitions)])[:, :, None]
    assembly = xr.DataArray(
        data.astype(np.float32), dims=("presentation", "neuroid", "time_bin"), name="dicarlo.MajajHong2015.public",
        coords={"image_id": ("presentation", ids * repetitions), "repetition": ("presentation", np.repeat(np.arange(repetitions), len(ids))),
                "object_name": ("presentation", names * repetitions), "variation": ("presentation", [6] * len(ids) * repetitions),
                "neuroid_id": ("neuroid", [f"Chabo_L_M_{i}" for i in range(sites)]),
                "region": ("neuroid", ["V4"] * (sites // 2) + ["IT"] * (sites - sites // 2)),
                "animal": ("neuroid", ["Chabo", "Tito"] * (sites // 2)),
                "time_bin_start": ("time_bin", [70]), "time_bin_end": ("time_bin", [170])})
    assembly.to_netcdf(folder / FILES[0])
    return folder


MAJAJHONG_ROWS = (("dicarlo.MajajHong2015.public", "assembly", FILES[0]), ("dicarlo.hvm-public", "stimulus_set_csv", FILES[1]),
                  ("dicarlo.hvm-public", "stimulus_set_zip", FILES[2]))


def write_catalog(folder: Path, path: Path, corrupt: str | None = None, rows=MAJAJHONG_ROWS) -> Path:
    """A catalog naming the files in `folder` (identifier, lookup_type, filename) by their real sha1 (or a wrong one for `corrupt`)."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["identifier", "lookup_type", "class", "filename", "sha1", "stimulus_set_identifier"])
        for identifier, kind, filename in rows:
            digest = "0" * 40 if filename == corrupt else sha1(folder / filename)
            writer.writerow([identifier, kind, "", filename, digest, ""])
    return path


# Language ---------------------------------------------------------------------------------------------------------
# brain-score/language's S3 file names (utils/s3.py: assy_<identifier, . as _>.nc) by identifier
LANGUAGE_FILES = {"Pereira2018.language": "assy_Pereira2018_language.nc", "Blank2014.fROI": "assy_Blank2014_fROI.nc",
                  "Fedorenko2016.language": "assy_Fedorenko2016_language.nc", "Futrell2018": "assy_Futrell2018.nc"}
NOUNS = ("pianist", "river", "doctor", "violin", "harbour", "oven", "comet", "judge", "garden", "train", "storm", "hive")
VERBS = ("crossed", "played", "watched", "followed", "built", "opened")
VOCABULARY = ("the",) + NOUNS + VERBS
# Declared generating process of the language files: neural responses are a fixed linear read-out of the text's bag of
# words plus Gaussian noise (sd NOISE); reading time is 250 ms + MS_PER_BIT * the word's declared surprisal + noise.
NOISE = 0.3
BITS = {word: 1.0 + i % 6 for i, word in enumerate(VOCABULARY)}
MS_PER_BIT = 40.0


def language_rows(identifier: str) -> tuple[tuple[str, str, str]]:
    return ((identifier, "assembly", LANGUAGE_FILES[identifier]),)


def core(word: str) -> str:
    return word.strip(".,").lower()


def bag_of_words(text: str) -> np.ndarray:
    """The generating features of a text: its count of each VOCABULARY word (case and punctuation ignored)."""
    words = [core(w) for w in text.split()]
    return np.array([words.count(v) for v in VOCABULARY], dtype=float)


def _responses(texts: list[str], neuroids: int, rng: np.random.Generator) -> np.ndarray:
    features = np.array([bag_of_words(t) for t in texts])
    return features @ rng.standard_normal((len(VOCABULARY), neuroids)) + rng.normal(0, NOISE, (len(texts), neuroids))


def _sentence(rng: np.random.Generator, words: int) -> list[str]:
    body = [rng.choice(NOUNS) if k % 2 == 0 else rng.choice(VERBS) for k in range(words - 1)]
    return ["The", *body[:-1], body[-1] + "."]


def _brainio(assembly: xr.DataArray, path: Path) -> Path:
    """Written as brainio's write_netcdf leaves an unnamed assembly: its data variable __xarray_dataarray_variable__."""
    assembly.name = None
    assembly.to_netcdf(path)
    return path


def write_pereira(folder: Path, seed: int = 0) -> Path:
    """assy_Pereira2018_language.nc: presentation x neuroid, both experiments merged (243sentences: 12 passages of 3,
    384sentences: 10 of 4); 4 subjects of 5 voxels, subject 288 did 384sentences only (NaN on the other)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    presentation: dict[str, list] = {k: [] for k in ("experiment", "stimulus_num", "sentence", "stimulus", "passage_index",
                                                     "passage_label", "passage_category", "stimulus_id", "story")}
    for experiment, passages, per in (("243sentences", 12, 3), ("384sentences", 10, 4)):
        for num in range(passages * per):
            passage = num // per + 1
            text = " ".join(_sentence(rng, int(rng.integers(5, 10))))
            category = NOUNS[passage % len(NOUNS)]
            for key, value in (("experiment", experiment), ("stimulus_num", num), ("sentence", text), ("stimulus", text),
                               ("passage_index", passage), ("passage_label", f"{category}_{passage}"), ("passage_category", category),
                               ("stimulus_id", f"{experiment}.{num}"), ("story", f"{experiment}.{category}")):
                presentation[key].append(value)
    subjects, voxels = ("018", "199", "215", "288"), 5
    data = _responses(presentation["stimulus"], len(subjects) * voxels, rng)
    data[np.array(presentation["experiment"]) == "243sentences", 3 * voxels:] = np.nan
    subject = [s for s in subjects for _ in range(voxels)]
    voxel_num = [v for _ in subjects for v in range(voxels)]
    assembly = xr.DataArray(data, dims=("presentation", "neuroid"), coords={
        **{key: ("presentation", values) for key, values in presentation.items()},
        "subject": ("neuroid", subject), "voxel_num": ("neuroid", voxel_num), "atlas": ("neuroid", ["language"] * len(subject)),
        "filter_strategy": ("neuroid", ["HminusE"] * len(subject)), "atlas_selection": ("neuroid", ["from90to100prcnt"] * len(subject)),
        "atlas_selection_lower": ("neuroid", [90] * len(subject)), "roi": ("neuroid", ["LH_AntTemp"] * len(subject)),
        "indices_in_3d": ("neuroid", rng.integers(0, 10**5, len(subject))),
        **{f"col_to_coord_{k}": ("neuroid", rng.integers(0, 80, len(subject))) for k in (1, 2, 3)},
        "neuroid_id": ("neuroid", [f"{s}.{v}" for s, v in zip(subject, voxel_num)])})
    return _brainio(assembly, folder / LANGUAGE_FILES["Pereira2018.language"])


BLANK_FROIS = ("01_LH_PostTemp", "02_LH_AntTemp", "03_LH_IFG", "04_LH_IFGorb")


def write_blank(folder: Path, seed: int = 0) -> Path:
    """assy_Blank2014_fROI.nc: presentation (story fragments between fMRI snapshots, 3 stories) x neuroid (4 fROIs x 3 subjects)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for story in ("Boar", "Aqua", "Elvis"):
        for sentence in range(6):
            words = _sentence(rng, 8)
            for part, piece in enumerate((words[:4], words[4:])):
                fragment = " ".join(piece) + " "
                rows.append({"stimulus_id": f"{story}.{sentence}.{part}", "story": story, "stimulus_sentence": fragment,
                             "stimulus": fragment, "meta_sentence": fragment.lower().replace(".", "").strip(),
                             "sentence_number_in_story": sentence, "part_number_in_sentence": part,
                             "timepoint_value": 2 * (len(rows) + 1)})
    subjects = ("061", "085", "090")
    neuroids = [(f, s) for f in BLANK_FROIS for s in subjects]
    assembly = xr.DataArray(_responses([r["stimulus"] for r in rows], len(neuroids), rng), dims=("presentation", "neuroid"), coords={
        **{key: ("presentation", [r[key] for r in rows]) for key in rows[0]},
        "fROI_area": ("neuroid", [f for f, _ in neuroids]), "subject_id": ("neuroid", [s for _, s in neuroids]),
        "neuroid_id": ("neuroid", [f"{s}.{f}" for f, s in neuroids])})
    return _brainio(assembly, folder / LANGUAGE_FILES["Blank2014.fROI"])


def write_fedorenko(folder: Path, sentences: int = 5, seed: int = 0) -> Path:
    """assy_Fedorenko2016_language.nc: presentation (each word of 8-word sentences, upper case; the response is to the
    sentence so far) x neuroid (electrodes of 3 subjects); stimulus_id, word_num, sentence_id, electrode, neuroid_id and
    subject_UID are integers."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sentence_words = [[w.upper().rstrip(".") for w in _sentence(rng, 8)] for _ in range(sentences)]
    words = [w for sentence in sentence_words for w in sentence]
    prefixes = [" ".join(sentence[: k + 1]) for sentence in sentence_words for k in range(8)]
    subject = np.repeat([1, 2, 3], [4, 3, 5])
    assembly = xr.DataArray(_responses(prefixes, subject.size, rng), dims=("presentation", "neuroid"), coords={
        "stimulus_id": ("presentation", np.arange(len(words))), "stimulus": ("presentation", words), "word": ("presentation", words),
        "word_num": ("presentation", np.tile(np.arange(8), sentences)), "sentence_id": ("presentation", np.repeat(np.arange(sentences), 8)),
        "electrode": ("neuroid", np.arange(subject.size)), "neuroid_id": ("neuroid", np.arange(subject.size)),
        "subject_UID": ("neuroid", subject)})
    return _brainio(assembly, folder / LANGUAGE_FILES["Fedorenko2016.language"])


def write_futrell(folder: Path, stories: int = 10, readers: int = 12, seed: int = 0) -> Path:
    """assy_Futrell2018.nc: presentation (every word token of `stories` stories of 3 sentences) x subject (`readers`
    readers; reader r read the stories of r's parity, NaN elsewhere), reading times in ms; ids 1-based as in Natural Stories."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    tokens = []
    for story in range(1, stories + 1):
        zone = 0
        for _ in range(3):
            sentence = len({t["sentence_id"] for t in tokens}) + 1
            for k, word in enumerate(_sentence(rng, int(rng.integers(4, 8)))):
                zone += 1
                tokens.append({"word": word, "word_core": word.rstrip("."), "story_id": story, "word_id": zone,
                               "word_within_sentence_id": k + 1, "sentence_id": sentence, "stimulus_id": len(tokens) + 1})
    names = [f"A{k:02d}WORKER" for k in range(readers)]
    bits = np.array([BITS[core(t["word"])] for t in tokens])
    times = 250 + MS_PER_BIT * bits[:, None] + rng.normal(0, 20, (len(tokens), readers))
    story_of = np.array([t["story_id"] for t in tokens])
    for r in range(readers):
        times[story_of % 2 != r % 2, r] = np.nan
    assembly = xr.DataArray(times, dims=("presentation", "subject"), coords={
        **{key: ("presentation", [t[key] for t in tokens]) for key in tokens[0]},
        "subject_id": ("subject", names), "correct": ("subject", rng.integers(4, 7, readers)),
        "WorkTimeInSeconds": ("subject", rng.integers(600, 3000, readers))})
    return _brainio(assembly, folder / LANGUAGE_FILES["Futrell2018"])
