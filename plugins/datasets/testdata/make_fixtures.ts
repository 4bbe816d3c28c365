/**
 * Builds the test fixtures: tiny datasets in each layout this plugin reads,
 * from real photos that Debian packages ship, plus hand-made broken files.
 *
 *   deno run --allow-all plugins/datasets/testdata/make_fixtures.ts
 *
 * Sources (licences from each package's docs):
 * - python3-skimage's data folder: chelsea.png (cat, CC0 by Stefan van der
 *   Walt), coffee.png (CC0 by Rachel Michetti);
 * - darknet's data folder: dog.jpg, eagle.jpg, horses.jpg, giraffe.jpg
 *   (Debian copyright: GPL-3.0+ or MIT or WTFPL; used under MIT).
 * When the packages are not installed the script fetches their .deb files
 * with `apt-get download` and unpacks them with `dpkg -x` into a temp folder.
 * `meta.mat` is written with scipy (python3-scipy) in the devkit's layout.
 * Each class gets deterministic crops of one photo, 64 px on the long side,
 * JPEG quality 80 (a few KB each).
 *
 * @module
 */
import sharp from "sharp";
import { dirname, join } from "node:path";

const OUT = dirname(new URL(import.meta.url).pathname);

async function sources(): Promise<{ darknet: string; skimage: string }> {
  const installed = {
    darknet: "/usr/share/darknet/data",
    skimage: "/usr/lib/python3/dist-packages/skimage/data",
  };
  try {
    await Deno.stat(join(installed.darknet, "dog.jpg"));
    await Deno.stat(join(installed.skimage, "chelsea.png"));
    return installed;
  } catch {
    const tmp = await Deno.makeTempDir();
    const run = async (cmd: string, args: string[]) => {
      const r = await new Deno.Command(cmd, { args, cwd: tmp }).output();
      if (!r.success) {
        throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
      }
    };
    await run("apt-get", ["download", "darknet", "python3-skimage"]);
    for (const e of Deno.readDirSync(tmp)) {
      if (e.name.endsWith(".deb")) await run("dpkg", ["-x", e.name, "root"]);
    }
    return {
      darknet: join(tmp, "root", installed.darknet),
      skimage: join(tmp, "root", installed.skimage),
    };
  }
}

/** Crop boxes as fractions (left, top, width, height) of the photo. */
const CROPS: [number, number, number, number][] = [
  [0, 0, 1, 1],
  [0.1, 0.05, 0.8, 0.85],
  [0.2, 0.15, 0.6, 0.7],
  [0, 0.1, 0.75, 0.9],
  [0.25, 0, 0.75, 0.8],
];

async function crops(photo: string, wide: boolean): Promise<Uint8Array[]> {
  const meta = await sharp(photo).metadata();
  const W = meta.width!, H = meta.height!;
  const out: Uint8Array[] = [];
  for (const [l, t, w, h] of CROPS) {
    // "tight" classes (a child of a "wide" one) see the centre half of the photo.
    const [L, T, S] = wide ? [l, t, 1] : [0.25 + l / 2, 0.25 + t / 2, 0.5];
    const box = {
      left: Math.floor(L * W),
      top: Math.floor(T * H),
      width: Math.max(8, Math.floor(w * S * W)),
      height: Math.max(8, Math.floor(h * S * H)),
    };
    box.width = Math.min(box.width, W - box.left);
    box.height = Math.min(box.height, H - box.top);
    out.push(
      await sharp(photo).extract(box).resize(64, 64, { fit: "inside" }).removeAlpha()
        .jpeg({ quality: 80 }).toBuffer(),
    );
  }
  return out;
}

async function write(path: string, bytes: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeFile(path, bytes);
}

/** The classes of the 1K fixtures (real ILSVRC-2012 wnids) and their photos. */
const ONE_K: [string, string, boolean][] = [
  ["n02123045", "skimage/chelsea.png", true], // tabby
  ["n07920052", "skimage/coffee.png", true], // espresso
  ["n02088364", "darknet/dog.jpg", true], // beagle (the dog of dog.jpg, near enough)
  ["n01614925", "darknet/eagle.jpg", true], // bald eagle
];

/** The 21K-P fixture: a 3-level WordNet tree (see imagenet21k_test.ts). */
const TWENTY_ONE_K: [string, string, boolean][] = [
  ["n01503061", "darknet/eagle.jpg", true], // bird (level 0)
  ["n01613294", "darknet/eagle.jpg", false], // eagle (level 1, under bird)
  ["n02075296", "darknet/dog.jpg", true], // carnivore (level 0)
  ["n02084071", "darknet/dog.jpg", false], // dog (level 1, under carnivore)
  ["n02121808", "skimage/chelsea.png", true], // domestic cat (level 1, under carnivore)
  ["n02123045", "skimage/chelsea.png", false], // tabby (level 2, under domestic cat)
  ["n02374451", "darknet/horses.jpg", true], // horse (level 0)
  ["n02439033", "darknet/giraffe.jpg", true], // giraffe (level 0)
];

async function main() {
  const src = await sources();
  const resolve = (p: string) =>
    p.startsWith("skimage/") ? join(src.skimage, p.slice(8)) : join(src.darknet, p.slice(8));
  for (const d of ["imagefolder", "ilsvrc_kaggle", "ilsvrc_devkit", "imagenet21k", "corrupt"]) {
    await Deno.remove(join(OUT, d), { recursive: true }).catch(() => {});
  }
  // 1K: 3 train + 2 val images per class; val numbered in a shuffled class order, as the real
  // val set interleaves classes.
  const devkit = (await Deno.readTextFile(join(OUT, "..", "data", "ilsvrc2012_devkit_wnids.txt")))
    .split("\n").filter((l) => l);
  const val: { n: number; wnid: string; bytes: Uint8Array }[] = [];
  const valOrder = [3, 0, 2, 1];
  for (const [ci, [wnid, photo, wide]] of ONE_K.entries()) {
    const imgs = await crops(resolve(photo), wide);
    for (let k = 0; k < 3; k++) {
      const name = `${wnid}_${k + 1}.JPEG`;
      for (const root of ["imagefolder", "ilsvrc_devkit", "ilsvrc_kaggle/ILSVRC/Data/CLS-LOC"]) {
        await write(join(OUT, root, "train", wnid, name), imgs[k]);
      }
    }
    for (let k = 0; k < 2; k++) val.push({ n: 1 + valOrder[ci] + 4 * k, wnid, bytes: imgs[3 + k] });
  }
  val.sort((a, b) => a.n - b.n);
  const csv = ["ImageId,PredictionString"], truth: string[] = [];
  for (const v of val) {
    const name = `ILSVRC2012_val_${String(v.n).padStart(8, "0")}`;
    await write(join(OUT, "imagefolder", "val", v.wnid, `${name}.JPEG`), v.bytes);
    await write(join(OUT, "ilsvrc_devkit", "val", `${name}.JPEG`), v.bytes);
    await write(join(OUT, "ilsvrc_kaggle/ILSVRC/Data/CLS-LOC/val", `${name}.JPEG`), v.bytes);
    csv.push(`${name},${v.wnid} 1 2 40 50 ${v.wnid} 3 4 30 30`);
    truth.push(String(devkit.indexOf(v.wnid) + 1));
  }
  await write(
    join(OUT, "ilsvrc_kaggle", "LOC_val_solution.csv"),
    new TextEncoder().encode(csv.join("\n") + "\n"),
  );
  const dk = join(OUT, "ilsvrc_devkit", "ILSVRC2012_devkit_t12", "data");
  await write(
    join(dk, "ILSVRC2012_validation_ground_truth.txt"),
    new TextEncoder().encode(truth.join("\n") + "\n"),
  );
  await writeMetaMat(join(dk, "meta.mat"), devkit);

  for (const [wnid, photo, wide] of TWENTY_ONE_K) {
    const imgs = await crops(resolve(photo), wide);
    for (let k = 0; k < 5; k++) {
      const split = k < 3 ? "imagenet21k_train" : "imagenet21k_val";
      await write(join(OUT, "imagenet21k", split, wnid, `${wnid}_${k + 1}.JPEG`), imgs[k]);
    }
  }
  await writeCorrupt(resolve("skimage/chelsea.png"));
  console.log(`fixtures written under ${OUT}`);
}

/** meta.mat as the devkit ships it: a struct array `synsets` (1000 leaves + 3 inner nodes). */
async function writeMetaMat(path: string, devkit: string[]) {
  const py = `
import sys, json, numpy as np, scipy.io as sio
wnids = json.load(sys.stdin)
dt = [("ILSVRC2012_ID", "O"), ("WNID", "O"), ("words", "O"), ("num_children", "O")]
rows = [(np.array([[float(i + 1)]]), w, "class %d" % (i + 1), np.array([[0.0]])) for i, w in enumerate(wnids)]
rows += [(np.array([[1001.0 + k]]), w, "inner", np.array([[2.0]])) for k, w in enumerate(["n00001740", "n00002684", "n00003553"])]
s = np.array(rows, dtype=dt).reshape(-1, 1)
sio.savemat(sys.argv[1], {"synsets": s}, do_compression=True, format="5")
`;
  const p = new Deno.Command("python3", { args: ["-c", py, path], stdin: "piped" }).spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(devkit)));
  await w.close();
  if (!(await p.status).success) throw new Error("writing meta.mat needs python3 with scipy");
}

/** Broken and unusual files in an ImageFolder layout, with what the decoder must do. */
async function writeCorrupt(photo: string) {
  const dir = join(OUT, "corrupt", "train", "n02123045");
  const base = sharp(photo).resize(48, 48, { fit: "inside" });
  const jpeg = await base.clone().jpeg({ quality: 80 }).toBuffer();
  await write(join(dir, "ok.JPEG"), jpeg);
  await write(join(dir, "cmyk.JPEG"), await base.clone().toColourspace("cmyk").jpeg().toBuffer());
  await write(
    join(dir, "gray.JPEG"),
    await base.clone().grayscale().toColourspace("b-w").jpeg().toBuffer(),
  );
  await write(join(dir, "png_named_jpeg.JPEG"), await base.clone().png().toBuffer());
  await write(join(dir, "alpha.png"), await base.clone().ensureAlpha(0.5).png().toBuffer());
  await write(join(dir, "truncated.JPEG"), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  await write(join(dir, "empty.JPEG"), new Uint8Array(0));
  await write(
    join(dir, "garbage.JPEG"),
    new TextEncoder().encode("this is not an image\n".repeat(20)),
  );
  await write(
    join(dir, "notes.txt"),
    new TextEncoder().encode("not an image file: listed as ignored\n"),
  );
}

if (import.meta.main) await main();
