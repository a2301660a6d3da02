{
  "targets": [
    {
      "target_name": "lensfind_torch",
      "sources": ["<!@(node -e \"console.log(require('fs').readdirSync('src').filter(f=>f.endsWith('.cc')).map(f=>'src/'+f).join(' '))\")"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node find-libtorch.mjs include)"
      ],
      "libraries": ["<!@(node find-libtorch.mjs libs)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!@(node find-libtorch.mjs defines)"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"]
    }
  ]
}
