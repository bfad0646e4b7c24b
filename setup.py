"""Ships the top-level checkpoints/ inside the wheel as roadmap_coach/checkpoints."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCheckpoints(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "roadmap_coach" / "checkpoints"
        target.mkdir(parents=True, exist_ok=True)
        for toml in sorted((Path(__file__).parent / "checkpoints").glob("*.toml")):
            shutil.copy2(toml, target / toml.name)


setup(cmdclass={"build_py": BuildWithCheckpoints})
