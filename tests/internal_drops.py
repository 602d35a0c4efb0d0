#!/usr/bin/python3
"""Print how many packets the data path dropped as "internal" (no verdict
reached: a pipeline bug) in the pinned drops map given as argv[1]. The
reason's index is its place in VNET_DROP_REASONS (bpf/vnet_shared.h)."""
import json, os, re, subprocess, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
text = open(os.path.join(root, "bpf", "vnet_shared.h")).read()
block = text[text.index("#define VNET_DROP_REASONS(X)"):]
block = block[:block.index("enum vnet_drop")]
reasons = re.findall(r"X\((\w+),", block)
internal = reasons.index("INTERNAL")
slots = int(re.search(r"#define VNET_DROP_SLOTS (\d+)", text).group(1))
out = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", sys.argv[1]],
                     capture_output=True, text=True, check=True).stdout
total = 0
for e in json.loads(out):
    key = e.get("key")
    k = int.from_bytes(bytes(int(b, 16) for b in key), "little") if isinstance(key, list) else int(key)
    if k % slots == internal:
        for v in e.get("values", []):
            val = v.get("value")
            total += int.from_bytes(bytes(int(b, 16) for b in val), "little") if isinstance(val, list) else int(val)
print(total)
