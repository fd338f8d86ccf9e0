;; Inner loops of mfx's wasm training kernels, in WebAssembly SIMD (4 floats per instruction).
;; They run on tfjs's own heap: the module imports the memory of the tfjs wasm backend, and
;; every pointer below is a byte offset into it (TensorData.memoryOffset). addRuns and
;; maxPoolGrad2x2 do the same float32 operations in the same order as the JavaScript loops they
;; replace, so the results are bit for bit the same (test/runtime/backend/simd-kernels.test.ts);
;; copyRuns only moves floats (im2col for ../filter-grad-gemm.ts).
;; Edit this file, then run `node --import tsx runtime/backend/wasm-kernels/simd/gen-kernels-wasm.ts`.
(module
  (import "env" "memory" (memory 1))

  ;; col2im's scatter: `count` runs of `len` floats, dst[r*dstStride + i] += src[r*srcStride + i].
  ;; Strides in bytes.
  (func (export "addRuns")
    (param $dst i32) (param $src i32) (param $len i32) (param $count i32)
    (param $dstStride i32) (param $srcStride i32)
    (local $i i32) (local $d i32) (local $vecEnd i32) (local $end i32)
    (local.set $vecEnd (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $len) (i32.const 2)))
    (block $done
      (loop $rows
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $i (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
            (local.set $d (i32.add (local.get $dst) (local.get $i)))
            (v128.store (local.get $d)
              (f32x4.add (v128.load (local.get $d)) (v128.load (i32.add (local.get $src) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $d (i32.add (local.get $dst) (local.get $i)))
            (f32.store (local.get $d)
              (f32.add (f32.load (local.get $d)) (f32.load (i32.add (local.get $src) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $tail)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $rows))))

  ;; im2col's gather: `count` runs of `len` floats, dst[r*dstStride + i] = src[r*srcStride + i].
  ;; Strides in bytes.
  (func (export "copyRuns")
    (param $dst i32) (param $src i32) (param $len i32) (param $count i32)
    (param $dstStride i32) (param $srcStride i32)
    (local $i i32) (local $vecEnd i32) (local $end i32)
    (local.set $vecEnd (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $len) (i32.const 2)))
    (block $done
      (loop $rows
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $i (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
            (v128.store (i32.add (local.get $dst) (local.get $i)) (v128.load (i32.add (local.get $src) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
            (f32.store (i32.add (local.get $dst) (local.get $i)) (f32.load (i32.add (local.get $src) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $tail)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $rows))))

  ;; MaxPoolGrad for 2x2 windows with stride 2 that tile the input (NHWC). Per window a b / c d
  ;; and channel: dy goes to the first position (row-major) equal to the forward output y, the
  ;; others get +0. `outRows` = batch x output rows; `ch` channels; `rowStride` floats per input row.
  (func (export "maxPoolGrad2x2")
    (param $xs i32) (param $ys i32) (param $dys i32) (param $out i32)
    (param $outRows i32) (param $outWidth i32) (param $ch i32) (param $rowStride i32)
    (local $row i32) (local $c i32) (local $i i32) (local $k i32)
    (local $rowBase i32) (local $cell i32) (local $a i32) (local $b i32) (local $cc i32) (local $dd i32)
    (local $chBytes i32) (local $rowBytes i32) (local $vecEnd i32)
    (local $m v128) (local $g v128) (local $ea v128) (local $eb v128) (local $ec v128) (local $ed v128) (local $seen v128)
    (local $sm f32) (local $sg f32) (local $ia i32) (local $ib i32) (local $ic i32) (local $id i32) (local $sseen i32)
    (local.set $chBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $rowStride) (i32.const 2)))
    (local.set $vecEnd (i32.shl (i32.and (local.get $ch) (i32.const -4)) (i32.const 2)))
    (local.set $k (i32.const 0))
    (local.set $row (i32.const 0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $outRows)))
        (local.set $rowBase (i32.mul (local.get $row) (i32.shl (local.get $rowBytes) (i32.const 1))))
        (local.set $c (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $c) (local.get $outWidth)))
            (local.set $cell (i32.add (local.get $rowBase) (i32.mul (local.get $c) (i32.shl (local.get $chBytes) (i32.const 1)))))
            (local.set $i (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
                (local.set $a (i32.add (local.get $cell) (local.get $i)))
                (local.set $b (i32.add (local.get $a) (local.get $chBytes)))
                (local.set $cc (i32.add (local.get $a) (local.get $rowBytes)))
                (local.set $dd (i32.add (local.get $cc) (local.get $chBytes)))
                (local.set $m (v128.load (i32.add (local.get $ys) (local.get $k))))
                (local.set $g (v128.load (i32.add (local.get $dys) (local.get $k))))
                (local.set $ea (f32x4.eq (v128.load (i32.add (local.get $xs) (local.get $a))) (local.get $m)))
                (local.set $eb (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $xs) (local.get $b))) (local.get $m)) (local.get $ea)))
                (local.set $seen (v128.or (local.get $ea) (local.get $eb)))
                (local.set $ec (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $xs) (local.get $cc))) (local.get $m)) (local.get $seen)))
                (local.set $ed (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $xs) (local.get $dd))) (local.get $m))
                  (v128.or (local.get $seen) (local.get $ec))))
                ;; + 0 turns a -0 gradient into +0, as the JavaScript loop and the cpu backend write.
                (v128.store (i32.add (local.get $out) (local.get $a)) (f32x4.add (v128.and (local.get $ea) (local.get $g)) (v128.const f32x4 0 0 0 0)))
                (v128.store (i32.add (local.get $out) (local.get $b)) (f32x4.add (v128.and (local.get $eb) (local.get $g)) (v128.const f32x4 0 0 0 0)))
                (v128.store (i32.add (local.get $out) (local.get $cc)) (f32x4.add (v128.and (local.get $ec) (local.get $g)) (v128.const f32x4 0 0 0 0)))
                (v128.store (i32.add (local.get $out) (local.get $dd)) (f32x4.add (v128.and (local.get $ed) (local.get $g)) (v128.const f32x4 0 0 0 0)))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $vec)))
            (block $tailDone
              (loop $tail
                (br_if $tailDone (i32.ge_u (local.get $i) (local.get $chBytes)))
                (local.set $a (i32.add (local.get $cell) (local.get $i)))
                (local.set $b (i32.add (local.get $a) (local.get $chBytes)))
                (local.set $cc (i32.add (local.get $a) (local.get $rowBytes)))
                (local.set $dd (i32.add (local.get $cc) (local.get $chBytes)))
                (local.set $sm (f32.load (i32.add (local.get $ys) (local.get $k))))
                (local.set $sg (f32.load (i32.add (local.get $dys) (local.get $k))))
                (local.set $ia (f32.eq (f32.load (i32.add (local.get $xs) (local.get $a))) (local.get $sm)))
                (local.set $ib (i32.and (f32.eq (f32.load (i32.add (local.get $xs) (local.get $b))) (local.get $sm)) (i32.xor (local.get $ia) (i32.const 1))))
                (local.set $sseen (i32.or (local.get $ia) (local.get $ib)))
                (local.set $ic (i32.and (f32.eq (f32.load (i32.add (local.get $xs) (local.get $cc))) (local.get $sm)) (i32.xor (local.get $sseen) (i32.const 1))))
                (local.set $id (i32.and (f32.eq (f32.load (i32.add (local.get $xs) (local.get $dd))) (local.get $sm))
                  (i32.xor (i32.or (local.get $sseen) (local.get $ic)) (i32.const 1))))
                (f32.store (i32.add (local.get $out) (local.get $a)) (f32.add (select (local.get $sg) (f32.const 0) (local.get $ia)) (f32.const 0)))
                (f32.store (i32.add (local.get $out) (local.get $b)) (f32.add (select (local.get $sg) (f32.const 0) (local.get $ib)) (f32.const 0)))
                (f32.store (i32.add (local.get $out) (local.get $cc)) (f32.add (select (local.get $sg) (f32.const 0) (local.get $ic)) (f32.const 0)))
                (f32.store (i32.add (local.get $out) (local.get $dd)) (f32.add (select (local.get $sg) (f32.const 0) (local.get $id)) (f32.const 0)))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $tail)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cols)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))
)
