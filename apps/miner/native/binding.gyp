{
  "targets": [
    {
      "target_name": "miner_native",
      "sources": [
        "src/addon.c",
        "src/cpu.c",
        "src/sha256.c",
        "src/lanes_generic.c",
        "src/lanes_vec128.c",
        "src/lanes_avx2.c",
        "src/lanes_avx512vl.c",
        "src/lanes_avx512.c",
        "src/sha_ni.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O3", "-std=c11", "-Wall", "-Wextra"],
      "cflags!": ["-O2", "-O0"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O3", "-std=c11", "-Wall", "-Wextra"]
      }
    }
  ]
}
