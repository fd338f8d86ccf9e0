;; Inner loops of mfx's wasm training kernels, in WebAssembly SIMD (4 floats per instruction).
;; They run on tfjs's own heap: the module imports the memory of the tfjs wasm backend, and
;; every pointer below is a byte offset into it (TensorData.memoryOffset). addRuns and
;; maxPoolGrad2x2 do the same float32 operations in the same order as the JavaScript loops they
;; replace, so the results are bit for bit the same (test/runtime/backend/simd-kernels.test.ts);
;; copyRuns only moves floats (im2col for ../filter-grad-gemm.ts). convGather and convFilterGrad are
;; direct convolutions (../direct-conv.ts): their own fixed order of sums, so each output is the
;; same bits however the batch is blocked or split, but not the bits of XNNPACK's kernels.
;; Pointers are compared unsigned (a heap may pass 2 GiB).
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

  ;; Stores the first n (1..4, more means 4) lanes of v at addr.
  (func $storeLanes (param $addr i32) (param $v v128) (param $n i32)
    (if (i32.ge_s (local.get $n) (i32.const 4))
      (then (v128.store (local.get $addr) (local.get $v)) (return)))
    (if (i32.ge_s (local.get $n) (i32.const 2))
      (then
        (v128.store64_lane 0 (local.get $addr) (local.get $v))
        (if (i32.eq (local.get $n) (i32.const 3))
          (then (v128.store32_lane offset=8 2 (local.get $addr) (local.get $v))))
        (return)))
    (if (i32.eq (local.get $n) (i32.const 1))
      (then (v128.store32_lane 0 (local.get $addr) (local.get $v)))))

  ;; Direct convolution, stride 1, dilation 1, NHWC, any padding (taps outside the input are
  ;; skipped, not multiplied by zero):
  ;;   out[b, y, x, o] = sum over kh, kw, c (in that order) of
  ;;                     in[b, y + kh - padT, x + kw - padL, c] * w[kh, kw, c, o]
  ;; w is packed [fh, fw, C, V*4] with V = ceil(O/4) (zero lanes past O). Each output float is
  ;; one running sum in a fixed order, whatever the batch size or the block a image falls in.
  ;; Blocks of 4 images x 8 output channels in registers (4 x 4 for an odd last vector).
  ;; Serves Conv2D (w = the filter) and Conv2DBackpropInput (in = dy, w = the filter reversed
  ;; in space with its channel axes swapped, padT = fh - 1 - the forward padTop).
  (func (export "convGather")
    (param $in i32) (param $w i32) (param $out i32) (param $batch i32)
    (param $inH i32) (param $inW i32) (param $C i32) (param $outH i32) (param $outW i32) (param $O i32)
    (param $fh i32) (param $fw i32) (param $padT i32) (param $padL i32)
    (local $V i32) (local $wRow i32) (local $S i32) (local $outPix i32) (local $outImg i32)
    (local $d1 i32) (local $d2 i32) (local $d3 i32) (local $b0 i32) (local $nb i32)
    (local $y i32) (local $x i32) (local $kh0 i32) (local $kh1 i32) (local $kw0 i32) (local $kw1 i32)
    (local $runB i32) (local $v i32) (local $kh i32) (local $a i32) (local $aEnd i32) (local $wp i32)
    (local $o0 i32) (local $o i32) (local $rest i32) (local $inB0 i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128)
    (local.set $V (i32.shr_u (i32.add (local.get $O) (i32.const 3)) (i32.const 2)))
    (local.set $wRow (i32.shl (local.get $V) (i32.const 4)))
    (local.set $S (i32.shl (i32.mul (i32.mul (local.get $inH) (local.get $inW)) (local.get $C)) (i32.const 2)))
    (local.set $outPix (i32.shl (local.get $O) (i32.const 2)))
    (local.set $outImg (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (local.get $outPix)))
    (local.set $b0 (i32.const 0))
    (block $batchDone
      (loop $batches
        (br_if $batchDone (i32.ge_s (local.get $b0) (local.get $batch)))
        (local.set $nb (i32.sub (local.get $batch) (local.get $b0)))
        ;; images past the batch read image b0 again (their sums are never stored)
        (local.set $d1 (select (local.get $S) (i32.const 0) (i32.gt_s (local.get $nb) (i32.const 1))))
        (local.set $d2 (select (i32.shl (local.get $S) (i32.const 1)) (i32.const 0) (i32.gt_s (local.get $nb) (i32.const 2))))
        (local.set $d3 (select (i32.mul (local.get $S) (i32.const 3)) (i32.const 0) (i32.gt_s (local.get $nb) (i32.const 3))))
        (local.set $inB0 (i32.add (local.get $in) (i32.mul (local.get $b0) (local.get $S))))
        (local.set $y (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $outH)))
            (local.set $kh0 (i32.sub (local.get $padT) (local.get $y)))
            (if (i32.lt_s (local.get $kh0) (i32.const 0)) (then (local.set $kh0 (i32.const 0))))
            (local.set $kh1 (i32.sub (i32.add (local.get $inH) (local.get $padT)) (local.get $y)))
            (if (i32.gt_s (local.get $kh1) (local.get $fh)) (then (local.set $kh1 (local.get $fh))))
            (local.set $x (i32.const 0))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.ge_s (local.get $x) (local.get $outW)))
                (local.set $kw0 (i32.sub (local.get $padL) (local.get $x)))
                (if (i32.lt_s (local.get $kw0) (i32.const 0)) (then (local.set $kw0 (i32.const 0))))
                (local.set $kw1 (i32.sub (i32.add (local.get $inW) (local.get $padL)) (local.get $x)))
                (if (i32.gt_s (local.get $kw1) (local.get $fw)) (then (local.set $kw1 (local.get $fw))))
                (local.set $runB (i32.shl (i32.mul (i32.sub (local.get $kw1) (local.get $kw0)) (local.get $C)) (i32.const 2)))
                (if (i32.lt_s (local.get $runB) (i32.const 0)) (then (local.set $runB (i32.const 0))))
                (local.set $o0 (i32.add (local.get $out)
                  (i32.add (i32.mul (local.get $b0) (local.get $outImg))
                    (i32.mul (i32.add (i32.mul (local.get $y) (local.get $outW)) (local.get $x)) (local.get $outPix)))))
                (local.set $v (i32.const 0))
                (block $vecsDone
                  (loop $vecs
                    (br_if $vecsDone (i32.ge_s (local.get $v) (local.get $V)))
                    (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
                    (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
                    (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
                    (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
                    (local.set $kh (local.get $kh0))
                    (block $khDone
                      (loop $khs
                        (br_if $khDone (i32.ge_s (local.get $kh) (local.get $kh1)))
                        (local.set $a (i32.add (local.get $inB0) (i32.shl (i32.mul
                          (i32.add (i32.mul (i32.sub (i32.add (local.get $y) (local.get $kh)) (local.get $padT)) (local.get $inW))
                            (i32.sub (i32.add (local.get $x) (local.get $kw0)) (local.get $padL)))
                          (local.get $C)) (i32.const 2))))
                        (local.set $aEnd (i32.add (local.get $a) (local.get $runB)))
                        (local.set $wp (i32.add (local.get $w) (i32.add
                          (i32.mul (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $fw)) (local.get $kw0)) (local.get $C)) (local.get $wRow))
                          (i32.shl (local.get $v) (i32.const 4)))))
                        (if (i32.lt_s (i32.add (local.get $v) (i32.const 1)) (local.get $V))
                          (then
                            (block $pairDone
                              (loop $pair
                                (br_if $pairDone (i32.ge_u (local.get $a) (local.get $aEnd)))
                                (local.set $w0 (v128.load (local.get $wp)))
                                (local.set $w1 (v128.load offset=16 (local.get $wp)))
                                (local.set $s (v128.load32_splat (local.get $a)))
                                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $w0))))
                                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $w1))))
                                (local.set $s (v128.load32_splat (i32.add (local.get $a) (local.get $d1))))
                                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $w0))))
                                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $w1))))
                                (local.set $s (v128.load32_splat (i32.add (local.get $a) (local.get $d2))))
                                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $w0))))
                                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $w1))))
                                (local.set $s (v128.load32_splat (i32.add (local.get $a) (local.get $d3))))
                                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $w0))))
                                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $w1))))
                                (local.set $a (i32.add (local.get $a) (i32.const 4)))
                                (local.set $wp (i32.add (local.get $wp) (local.get $wRow)))
                                (br $pair))))
                          (else
                            (block $oneDone
                              (loop $one
                                (br_if $oneDone (i32.ge_u (local.get $a) (local.get $aEnd)))
                                (local.set $w0 (v128.load (local.get $wp)))
                                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (v128.load32_splat (local.get $a)) (local.get $w0))))
                                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (v128.load32_splat (i32.add (local.get $a) (local.get $d1))) (local.get $w0))))
                                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (v128.load32_splat (i32.add (local.get $a) (local.get $d2))) (local.get $w0))))
                                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (v128.load32_splat (i32.add (local.get $a) (local.get $d3))) (local.get $w0))))
                                (local.set $a (i32.add (local.get $a) (i32.const 4)))
                                (local.set $wp (i32.add (local.get $wp) (local.get $wRow)))
                                (br $one)))))
                        (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
                        (br $khs)))
                    ;; store the sums of the images in the batch: vector v, and v+1 for a pair
                    (local.set $o (i32.add (local.get $o0) (i32.shl (local.get $v) (i32.const 4))))
                    (local.set $rest (i32.sub (local.get $O) (i32.shl (local.get $v) (i32.const 2))))
                    (call $storeLanes (local.get $o) (local.get $a00) (local.get $rest))
                    (if (i32.gt_s (local.get $nb) (i32.const 1))
                      (then (call $storeLanes (i32.add (local.get $o) (local.get $outImg)) (local.get $a10) (local.get $rest))))
                    (if (i32.gt_s (local.get $nb) (i32.const 2))
                      (then (call $storeLanes (i32.add (local.get $o) (i32.shl (local.get $outImg) (i32.const 1))) (local.get $a20) (local.get $rest))))
                    (if (i32.gt_s (local.get $nb) (i32.const 3))
                      (then (call $storeLanes (i32.add (local.get $o) (i32.mul (local.get $outImg) (i32.const 3))) (local.get $a30) (local.get $rest))))
                    (if (i32.lt_s (i32.add (local.get $v) (i32.const 1)) (local.get $V))
                      (then
                        (local.set $o (i32.add (local.get $o) (i32.const 16)))
                        (local.set $rest (i32.sub (local.get $rest) (i32.const 4)))
                        (call $storeLanes (local.get $o) (local.get $a01) (local.get $rest))
                        (if (i32.gt_s (local.get $nb) (i32.const 1))
                          (then (call $storeLanes (i32.add (local.get $o) (local.get $outImg)) (local.get $a11) (local.get $rest))))
                        (if (i32.gt_s (local.get $nb) (i32.const 2))
                          (then (call $storeLanes (i32.add (local.get $o) (i32.shl (local.get $outImg) (i32.const 1))) (local.get $a21) (local.get $rest))))
                        (if (i32.gt_s (local.get $nb) (i32.const 3))
                          (then (call $storeLanes (i32.add (local.get $o) (i32.mul (local.get $outImg) (i32.const 3))) (local.get $a31) (local.get $rest))))
                        (local.set $v (i32.add (local.get $v) (i32.const 1)))))
                    (local.set $v (i32.add (local.get $v) (i32.const 1)))
                    (br $vecs)))
                (local.set $x (i32.add (local.get $x) (i32.const 1)))
                (br $cols)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $rows)))
        (local.set $b0 (i32.add (local.get $b0) (i32.const 4)))
        (br $batches))))

  ;; Filter gradient of a convolution, stride 1, dilation 1, no padding, NHWC:
  ;;   acc[kh, t, o] += sum over b, y, x (in that order) of in[b, y + kh, x + t/C, t%C] * dy[b, y, x, o]
  ;; for images b in [0, batch), t = kw*C + c. acc is [fh, T4, V*4] with T4 = fw*C rounded up to
  ;; a multiple of 4 (the caller zeroes it, then copies the first fw*C rows and O lanes out);
  ;; adding to it continues each running sum, so calls over consecutive images give the same
  ;; bits as one call. Blocks of 4 taps (adjacent floats of in) x 8 output channels in registers;
  ;; a last block of one tap runs that tap alone.
  ;; Reads up to 12 bytes past the last image of in and dy's last pixel rounded up to V*4 floats
  ;; (the caller passes copies with room where they would leave the memory); those lanes land in
  ;; rows or lanes of acc that are not copied out.
  (func (export "convFilterGrad")
    (param $in i32) (param $dy i32) (param $acc i32) (param $batch i32)
    (param $inH i32) (param $inW i32) (param $C i32) (param $outH i32) (param $outW i32) (param $O i32)
    (param $fh i32) (param $fw i32)
    (local $V i32) (local $accRow i32) (local $T i32) (local $T4 i32) (local $pixIn i32) (local $pixDy i32)
    (local $rowIn i32) (local $imgIn i32) (local $imgDy i32) (local $rowDy i32)
    (local $b i32) (local $kh i32) (local $t i32) (local $v i32) (local $y i32)
    (local $ip i32) (local $dp i32) (local $ipEnd i32) (local $ap i32) (local $inB i32) (local $dyB i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local.set $V (i32.shr_u (i32.add (local.get $O) (i32.const 3)) (i32.const 2)))
    (local.set $accRow (i32.shl (local.get $V) (i32.const 4)))
    (local.set $T (i32.mul (local.get $fw) (local.get $C)))
    (local.set $T4 (i32.and (i32.add (local.get $T) (i32.const 3)) (i32.const -4)))
    (local.set $pixIn (i32.shl (local.get $C) (i32.const 2)))
    (local.set $pixDy (i32.shl (local.get $O) (i32.const 2)))
    (local.set $rowIn (i32.mul (local.get $inW) (local.get $pixIn)))
    (local.set $imgIn (i32.mul (local.get $inH) (local.get $rowIn)))
    (local.set $rowDy (i32.mul (local.get $outW) (local.get $pixDy)))
    (local.set $imgDy (i32.mul (local.get $outH) (local.get $rowDy)))
    (local.set $b (i32.const 0))
    (block $imagesDone
      (loop $images
        (br_if $imagesDone (i32.ge_s (local.get $b) (local.get $batch)))
        (local.set $inB (i32.add (local.get $in) (i32.mul (local.get $b) (local.get $imgIn))))
        (local.set $dyB (i32.add (local.get $dy) (i32.mul (local.get $b) (local.get $imgDy))))
        (local.set $kh (i32.const 0))
        (block $khDone
          (loop $khs
            (br_if $khDone (i32.ge_s (local.get $kh) (local.get $fh)))
            (local.set $t (i32.const 0))
            (block $tapsDone
              (loop $taps
                (br_if $tapsDone (i32.ge_s (local.get $t) (local.get $T)))
                (local.set $v (i32.const 0))
                (block $vecsDone
                  (loop $vecs
                    (br_if $vecsDone (i32.ge_s (local.get $v) (local.get $V)))
                    ;; acc rows kh*T4 + t .. + 3, vectors v (and v + 1)
                    (local.set $ap (i32.add (local.get $acc) (i32.add
                      (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $T4)) (local.get $t)) (local.get $accRow))
                      (i32.shl (local.get $v) (i32.const 4)))))
                    (local.set $a00 (v128.load (local.get $ap)))
                    (local.set $a10 (v128.load (i32.add (local.get $ap) (local.get $accRow))))
                    (local.set $a20 (v128.load (i32.add (local.get $ap) (i32.shl (local.get $accRow) (i32.const 1)))))
                    (local.set $a30 (v128.load (i32.add (local.get $ap) (i32.mul (local.get $accRow) (i32.const 3)))))
                    (if (i32.lt_s (i32.add (local.get $v) (i32.const 1)) (local.get $V))
                      (then
                        (local.set $a01 (v128.load offset=16 (local.get $ap)))
                        (local.set $a11 (v128.load offset=16 (i32.add (local.get $ap) (local.get $accRow))))
                        (local.set $a21 (v128.load offset=16 (i32.add (local.get $ap) (i32.shl (local.get $accRow) (i32.const 1)))))
                        (local.set $a31 (v128.load offset=16 (i32.add (local.get $ap) (i32.mul (local.get $accRow) (i32.const 3)))))))
                    (local.set $y (i32.const 0))
                    (block $rowsDone
                      (loop $rows
                        (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $outH)))
                        (local.set $ip (i32.add (local.get $inB) (i32.add
                          (i32.mul (i32.add (local.get $y) (local.get $kh)) (local.get $rowIn))
                          (i32.shl (local.get $t) (i32.const 2)))))
                        (local.set $ipEnd (i32.add (local.get $ip) (i32.mul (local.get $outW) (local.get $pixIn))))
                        (local.set $dp (i32.add (local.get $dyB) (i32.add
                          (i32.mul (local.get $y) (local.get $rowDy))
                          (i32.shl (local.get $v) (i32.const 4)))))
                        (if (i32.eq (i32.sub (local.get $T) (local.get $t)) (i32.const 1))
                          ;; a last block of one tap (fw*C = 4k + 1, e.g. conv1's 5): that tap alone
                          (then
                            (if (i32.lt_s (i32.add (local.get $v) (i32.const 1)) (local.get $V))
                              (then
                                (block $pair1Done
                                  (loop $pair1
                                    (br_if $pair1Done (i32.ge_u (local.get $ip) (local.get $ipEnd)))
                                    (local.set $s (v128.load32_splat (local.get $ip)))
                                    (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (v128.load (local.get $dp)))))
                                    (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $dp)))))
                                    (local.set $ip (i32.add (local.get $ip) (local.get $pixIn)))
                                    (local.set $dp (i32.add (local.get $dp) (local.get $pixDy)))
                                    (br $pair1))))
                              (else
                                (block $one1Done
                                  (loop $one1
                                    (br_if $one1Done (i32.ge_u (local.get $ip) (local.get $ipEnd)))
                                    (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (v128.load32_splat (local.get $ip)) (v128.load (local.get $dp)))))
                                    (local.set $ip (i32.add (local.get $ip) (local.get $pixIn)))
                                    (local.set $dp (i32.add (local.get $dp) (local.get $pixDy)))
                                    (br $one1))))))
                          (else
                          (if (i32.lt_s (i32.add (local.get $v) (i32.const 1)) (local.get $V))
                          (then
                            (block $pairDone
                              (loop $pair
                                (br_if $pairDone (i32.ge_u (local.get $ip) (local.get $ipEnd)))
                                (local.set $d0 (v128.load (local.get $dp)))
                                (local.set $d1 (v128.load offset=16 (local.get $dp)))
                                (local.set $s (v128.load32_splat (local.get $ip)))
                                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $d0))))
                                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $d1))))
                                (local.set $s (v128.load32_splat offset=4 (local.get $ip)))
                                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $d0))))
                                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $d1))))
                                (local.set $s (v128.load32_splat offset=8 (local.get $ip)))
                                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $d0))))
                                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $d1))))
                                (local.set $s (v128.load32_splat offset=12 (local.get $ip)))
                                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $d0))))
                                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $d1))))
                                (local.set $ip (i32.add (local.get $ip) (local.get $pixIn)))
                                (local.set $dp (i32.add (local.get $dp) (local.get $pixDy)))
                                (br $pair))))
                          (else
                            (block $oneDone
                              (loop $one
                                (br_if $oneDone (i32.ge_u (local.get $ip) (local.get $ipEnd)))
                                (local.set $d0 (v128.load (local.get $dp)))
                                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (v128.load32_splat (local.get $ip)) (local.get $d0))))
                                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (v128.load32_splat offset=4 (local.get $ip)) (local.get $d0))))
                                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (v128.load32_splat offset=8 (local.get $ip)) (local.get $d0))))
                                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (v128.load32_splat offset=12 (local.get $ip)) (local.get $d0))))
                                (local.set $ip (i32.add (local.get $ip) (local.get $pixIn)))
                                (local.set $dp (i32.add (local.get $dp) (local.get $pixDy)))
                                (br $one)))))))
                        (local.set $y (i32.add (local.get $y) (i32.const 1)))
                        (br $rows)))
                    (v128.store (local.get $ap) (local.get $a00))
                    (v128.store (i32.add (local.get $ap) (local.get $accRow)) (local.get $a10))
                    (v128.store (i32.add (local.get $ap) (i32.shl (local.get $accRow) (i32.const 1))) (local.get $a20))
                    (v128.store (i32.add (local.get $ap) (i32.mul (local.get $accRow) (i32.const 3))) (local.get $a30))
                    (if (i32.lt_s (i32.add (local.get $v) (i32.const 1)) (local.get $V))
                      (then
                        (v128.store offset=16 (local.get $ap) (local.get $a01))
                        (v128.store offset=16 (i32.add (local.get $ap) (local.get $accRow)) (local.get $a11))
                        (v128.store offset=16 (i32.add (local.get $ap) (i32.shl (local.get $accRow) (i32.const 1))) (local.get $a21))
                        (v128.store offset=16 (i32.add (local.get $ap) (i32.mul (local.get $accRow) (i32.const 3))) (local.get $a31))
                        (local.set $v (i32.add (local.get $v) (i32.const 1)))))
                    (local.set $v (i32.add (local.get $v) (i32.const 1)))
                    (br $vecs)))
                (local.set $t (i32.add (local.get $t) (i32.const 4)))
                (br $taps)))
            (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
            (br $khs)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images))))
)
