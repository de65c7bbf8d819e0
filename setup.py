"""Builds the `allot` Python package with CMake: the pybind11 module and the
pure-Python files are assembled by the project's own build
(bindings/python/CMakeLists.txt) and copied into the wheel.

The CMake build directory is $ALLOT_BUILD when set (scripts/test points it
at the build it has just made, so nothing compiles twice), else build-pip/
under the source tree. Configure options: RelWithDebInfo, no tests,
benchmarks or fuzzers.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class BinaryDistribution(Distribution):
    """The package holds a compiled module: a platform wheel."""

    def has_ext_modules(self):
        return True


class CMakeBuild(build_ext):
    def run(self):
        build_dir = Path(os.environ.get("ALLOT_BUILD") or ROOT / "build-pip")
        if not (build_dir / "CMakeCache.txt").exists():
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.check_call([
                "cmake", "-S", str(ROOT), "-B", str(build_dir), *generator,
                "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                "-DALLOT_BUILD_TESTS=OFF", "-DALLOT_BUILD_BENCHMARKS=OFF",
                f"-DPython3_EXECUTABLE={sys.executable}",
            ])
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "_allot",
                               "-j", str(os.cpu_count() or 1)])
        package = build_dir / "bindings" / "python" / "allot"
        if not any(package.glob("_allot*.so")):
            raise RuntimeError(f"the build left no _allot module in {package}")
        target = Path(self.build_lib) / "allot"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(package, target)


setup(
    packages=[],
    cmdclass={"build_ext": CMakeBuild},
    distclass=BinaryDistribution,
    # setuptools' own scratch space, apart from the CMake build trees.
    options={"build": {"build_base": str(ROOT / "build-pip" / "setuptools")}},
)
