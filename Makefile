# Convenience wrappers; the scripts are the source of truth (README).
.PHONY: all demo test bench fuzz format clean
all:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
bench:
	bash bench/run.sh
format:
	clang-format -i pipeline/*.[ch] parsers/*.[ch] cli/*.[ch] tests/*.[ch] tests/fuzz/*.c bench/*.c
clean:
	rm -rf build build-test out
