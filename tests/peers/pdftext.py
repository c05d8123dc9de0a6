# pdftext.py TOOL ARG... PDF -: what one of poppler's tools (pdftotext,
# pdftohtml) prints for PDF, asked once per file of tests: with
# SOCKSTEP_PDF_CACHE naming a directory (handout.bats sets it), a command
# already run on the same PDF (its path, size and time the same) is read
# back from there, not run again. Each run over the handout's 200 pages
# takes most of a CPU second, and several tests read the same text. As a
# module, output(CMD) gives the text; the PDF is the argument of CMD that
# ends in .pdf.
import hashlib, os, subprocess, sys


def output(cmd):
    pdf = next(a for a in cmd if a.endswith(".pdf"))
    cache = os.environ.get("SOCKSTEP_PDF_CACHE")
    path = None
    if cache and os.path.isdir(cache):
        st = os.stat(pdf)
        key = repr((cmd, os.path.abspath(pdf), st.st_size, st.st_mtime_ns))
        path = os.path.join(cache, hashlib.sha1(key.encode()).hexdigest())
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            pass
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    text = out.decode("utf-8", "replace")
    if path:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    return text


if __name__ == "__main__":
    sys.stdout.write(output(sys.argv[1:]))
