"""A user-written analysis step: a Markdown table of what each layer is worth.

layerfuse runs it from pipelines/post-process.yaml with the upstream results as files: the
evaluation and the ablation as JSON, at the paths given on the command line (`${in.full}`,
`${in.ablation}`) and in the environment ($LAYERFUSE_IN_FULL, $LAYERFUSE_IN_ABLATION).
Standard library only.
"""
import json
import os
import sys

evaluation_path, ablation_path, out_path = sys.argv[1:4]
with open(evaluation_path) as f:
    evaluation = json.load(f)
with open(ablation_path) as f:
    ablation = json.load(f)
assert os.environ["LAYERFUSE_IN_FULL"] == evaluation_path  # the same file, either way

rows = sorted(zip(ablation["layers"], ablation["accuracies"], ablation["drops"]), key=lambda r: r[2])
lines = [
    f"# What each layer is worth ({ablation['split']} split)",
    "",
    f"Full model: accuracy {evaluation['accuracy']:.4f}, macro-F1 {evaluation['macroF1']:.4f}.",
    "",
    "| layer | accuracy without it | drop |",
    "|---:|---:|---:|",
]
lines += [f"| {layer} | {acc:.4f} | {drop:+.4f} |" for layer, acc, drop in rows]
lines += ["", f"Cheapest to remove: layer {rows[0][0]}."]
os.makedirs(os.path.dirname(out_path), exist_ok=True)
with open(out_path, "w") as f:
    f.write("\n".join(lines) + "\n")
