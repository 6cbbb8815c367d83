"""HL501 fixture: a gc.disable() the user asked for (a command-line option, a CLI entry point) is
deliberate (twisted/scripts/trial.py `opt_disablegc`); one in library code is not."""
import argparse
import gc


class Options(dict):
    def opt_disablegc(self):
        """Disable the garbage collector"""
        self["disablegc"] = True
        gc.disable()


def run(config):
    if config.disable_gc:
        gc.disable()
    return config


def start(self_options):
    if self_options["nogc"]:
        gc.disable()


def main():
    parser = argparse.ArgumentParser()
    parser.parse_args()
    gc.disable()


def load_fast():
    gc.disable()  # expect: HL501
    return 1


if __name__ == "__main__":
    gc.disable()
    main()
