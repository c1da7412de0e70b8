"""Default module names of Haiku's module classes, as Haiku derives them.

Haiku names a module it is not given a name for `utils.camel_to_snake(type(self).__name__)`
(haiku/_src/module.py, `Module.__init__`). This lists every `hk.Module` subclass defined in
haiku/_src and haiku/_src/nets with that name, so the test can check that each library class
of haiku-tfjs carries the same name explicitly (class names do not survive minifying).

Run: PYTHONPATH=/work/pysrc/dm-haiku:/work/pysrc/jmp python tools/golden/module_names.py
Writes test/golden/fixtures/module_names.json.
"""
import importlib
import inspect
import json
import os
import pkgutil

import haiku as hk
import haiku._src as src
import haiku._src.nets as nets
from haiku._src import utils


def main():
  names = {}
  for package in (src, nets):
    for info in pkgutil.iter_modules(package.__path__):
      if info.name.endswith("_test"):
        continue
      try:
        mod = importlib.import_module(f"{package.__name__}.{info.name}")
      except Exception:  # optional dependencies (e.g. jax2tf) are not installed
        continue
      for cls_name, cls in vars(mod).items():
        if (inspect.isclass(cls) and issubclass(cls, hk.Module)
            and cls.__module__ == mod.__name__ and not cls_name.startswith("_")):
          names[cls_name] = utils.camel_to_snake(cls_name)
  out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "golden",
                     "fixtures", "module_names.json")
  with open(out, "w") as f:
    json.dump({"source": "haiku/_src/utils.py camel_to_snake(type(self).__name__), "
                         "haiku/_src/module.py Module.__init__",
               "names": dict(sorted(names.items()))}, f, indent=1)
    f.write("\n")


if __name__ == "__main__":
  main()
