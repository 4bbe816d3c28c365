"""Reference numbers from pycocotools for plugins/coco/eval tests.

Run: python3 make_pycocotools_fixtures.py  (needs `pip install pycocotools`; tests never need it).
Writes pycocotools_cases.json: seeded random ground truth and detections with crowd regions,
areas on the 32²/96² boundaries, tied scores, images without ground truth, categories without
detections or without ground truth; for each case pycocotools' 12 stats, its summarize() lines,
per-category AP (mean of precision[:, :, k, 0, -1] above -1) and the threshold arrays.
"""
import contextlib
import io
import json
import random

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def make_case(seed, n_images, n_cats, n_gt, n_dt):
    rnd = random.Random(seed)
    images = [{"id": 10 + 3 * i, "file_name": f"{i}.png", "width": 200, "height": 200}
              for i in range(n_images)]
    cats = [{"id": 5 + 2 * k, "name": f"c{k}"} for k in range(n_cats)]
    anns = []
    # sides chosen so areas hit 32² and 96² exactly now and then
    sides = [4, 8, 16, 31, 32, 33, 48, 64, 95, 96, 97, 120]
    for a in range(n_gt):
        img = rnd.choice(images[:-1])  # the last image never has ground truth
        w, h = rnd.choice(sides), rnd.choice(sides)
        x, y = rnd.randint(0, 200 - w), rnd.randint(0, 200 - h)
        crowd = 1 if rnd.random() < 0.08 else 0
        area = float(w * h) if rnd.random() < 0.8 else float(rnd.choice([1024, 9216, w * h * 0.7]))
        anns.append({"id": a + 1, "image_id": img["id"], "category_id": rnd.choice(cats[:-1])["id"],
                     "bbox": [x, y, w, h], "area": area, "iscrowd": crowd})
    results = []
    for _ in range(n_dt):
        if anns and rnd.random() < 0.7:
            g = rnd.choice(anns)
            x, y, w, h = g["bbox"]
            j = rnd.choice([0, 0, 1, 2, 4, 8])
            bb = [x + rnd.randint(-j, j), y + rnd.randint(-j, j), max(1, w + rnd.randint(-j, j)),
                  max(1, h + rnd.randint(-j, j))]
            cat = g["category_id"] if rnd.random() < 0.85 else rnd.choice(cats)["id"]
            img = g["image_id"]
        else:
            w, h = rnd.choice(sides), rnd.choice(sides)
            bb = [rnd.randint(0, 200 - w), rnd.randint(0, 200 - h), w, h]
            cat = rnd.choice(cats)["id"]
            img = rnd.choice(images)["id"]
        score = round(rnd.random(), 1) if rnd.random() < 0.5 else round(rnd.random(), 4)
        results.append({"image_id": img, "category_id": cat, "bbox": bb, "score": score})
    return {"images": images, "annotations": anns, "categories": cats}, results


def evaluate(gt, results):
    coco = COCO()
    coco.dataset = json.loads(json.dumps(gt))
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
        dt = coco.loadRes(json.loads(json.dumps(results)))
        ev = COCOeval(coco, dt, "bbox")
        ev.evaluate()
        ev.accumulate()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        ev.summarize()
    prec = ev.eval["precision"]
    per_cat = []
    for k, cid in enumerate(ev.params.catIds):
        s = prec[:, :, k, 0, -1]
        per_cat.append(float(np.mean(s[s > -1])) if (s > -1).any() else -1.0)
    return {
        "stats": [float(v) for v in ev.stats],
        "lines": buf.getvalue().rstrip("\n").split("\n"),
        "perCategoryAp": per_cat,
    }


cases = []
for seed, shape in enumerate([(4, 3, 12, 20), (6, 4, 40, 90), (12, 5, 80, 400), (3, 2, 6, 150), (2, 2, 8, 260)]):
    gt, results = make_case(seed, *shape)
    cases.append({"name": f"random-{seed}", "gt": gt, "results": results, **evaluate(gt, results)})



def hand(images, cats, anns, dets):
    """The cases of eval/hand_cases_test.ts, so pycocotools confirms the hand-derived numbers."""
    gt = {"images": [{"id": i, "file_name": f"{i}.png", "width": 200, "height": 200} for i in images],
          "categories": [{"id": c, "name": f"c{c}"} for c in cats],
          "annotations": [{"id": n + 1, "image_id": a[0], "category_id": a[1], "bbox": a[2],
                           "area": a[2][2] * a[2][3], "iscrowd": a[3] if len(a) > 3 else 0}
                          for n, a in enumerate(anns)]}
    res = [{"image_id": d[0], "category_id": d[1], "bbox": d[2], "score": d[3]} for d in dets]
    return gt, res


HAND = {
    "hand-crowd": hand([1], [1], [(1, 1, [0, 0, 10, 10]), (1, 1, [50, 50, 40, 40], 1)],
                       [(1, 1, [55, 55, 10, 10], .95), (1, 1, [0, 0, 10, 10], .9),
                        (1, 1, [60, 60, 10, 10], .85), (1, 1, [150, 150, 10, 10], .7)]),
    "hand-boundary": hand([1], [1], [(1, 1, [0, 0, 32, 32]), (1, 1, [100, 100, 96, 96])],
                          [(1, 1, [150, 0, 20, 20], .95), (1, 1, [0, 0, 32, 32], .9),
                           (1, 1, [100, 100, 96, 96], .8)]),
    "hand-ties": hand([1], [1], [(1, 1, [0, 0, 10, 10]), (1, 1, [20, 0, 10, 10])],
                      [(1, 1, [50, 50, 10, 10], .5), (1, 1, [0, 0, 10, 10], .5),
                       (1, 1, [20, 0, 10, 10], .5)]),
    "hand-ties-images": hand([2, 1], [1], [(2, 1, [0, 0, 10, 10])],
                             [(2, 1, [0, 0, 10, 10], .5), (1, 1, [0, 0, 10, 10], .5)]),
    "hand-empty-image": hand([1, 2, 3], [1], [(1, 1, [0, 0, 10, 10])],
                             [(1, 1, [0, 0, 10, 10], .9), (2, 1, [0, 0, 10, 10], .95)]),
    "hand-categories": hand([1], [1, 2, 3, 4], [(1, 1, [0, 0, 10, 10]), (1, 2, [50, 50, 10, 10])],
                            [(1, 1, [0, 0, 10, 10], .9), (1, 4, [0, 0, 10, 10], .8),
                             (1, 9, [0, 0, 10, 10], .8)]),
    "hand-regular-first": hand([1], [1], [(1, 1, [0, 0, 10, 12], 1), (1, 1, [0, 0, 10, 10])],
                               [(1, 1, [0, 0, 10, 11], .9)]),
}
for name, (gt, results) in HAND.items():
    cases.append({"name": name, "gt": gt, "results": results, **evaluate(gt, results)})

p = COCOeval(iouType="bbox").params
out = {
    "generator": "make_pycocotools_fixtures.py",
    "iouThrs": [float(v) for v in p.iouThrs],
    "recThrs": [float(v) for v in p.recThrs],
    "cases": cases,
}
with open("pycocotools_cases.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
