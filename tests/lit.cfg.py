# -*- Python -*-
# lit configuration for snnc: FileCheck tests of snn-opt and snnc.
import os

import lit.formats

config.name = "snnc"
config.test_format = lit.formats.ShTest(not lit_config.isWindows)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.snnc_obj_root, "tests")

# FileCheck, not and count come from LLVM 16; our tools from the build.
path = os.pathsep.join([config.snnc_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["PATH"] = path
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%models", os.path.join(config.snnc_src_root, "tests", "models")))
config.substitutions.append(("%examples", os.path.join(config.snnc_src_root, "examples")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
# The RTL engine caches its Verilator builds: keep them in the build tree.
config.environment["SNNC_CACHE_DIR"] = os.path.join(config.snnc_obj_root, "rtl-cache")
# `import snnc` as the build lays it out (python/snnc with its extension).
config.substitutions.append(("%snnc_python", os.path.join(config.snnc_obj_root, "python")))
# Tests that import snnc's Python module need its extension, which the
# sanitized build (scripts/sanitize.sh) does not make: an ASan-built module
# cannot load into an uninstrumented interpreter.
import glob
if glob.glob(os.path.join(config.snnc_obj_root, "python", "snnc", "_snnc*.so")):
    config.available_features.add("snnc-python")
