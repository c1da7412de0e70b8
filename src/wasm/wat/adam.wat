(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 f32 f32 f32 f32 f32 f32 f32 f32 f32)))
  (import "env" "memory" (memory (;0;) 1))
  (func $adam (type 0) (param $gPtr i32) (param $muPtr i32) (param $nuPtr i32) (param $muOut i32) (param $nuOut i32) (param $out i32) (param $bytes i32) (param $b1 f32) (param $oneMinusB1 f32) (param $b2 f32) (param $oneMinusB2 f32) (param $eps f32) (param $epsRoot f32) (param $bc1 f32) (param $bc2 f32) (param $bc1Next f32)
    (local $i i32) (local $b1x4 v128) (local $oneMinusB1x4 v128) (local $b2x4 v128) (local $oneMinusB2x4 v128) (local $epsX4 v128) (local $epsRootX4 v128) (local $bc1x4 v128) (local $bc2x4 v128) (local $bc1NextX4 v128) (local $g v128) (local $mu v128) (local $nu v128)
    local.get $b1
    f32x4.splat
    local.set $b1x4
    local.get $oneMinusB1
    f32x4.splat
    local.set $oneMinusB1x4
    local.get $b2
    f32x4.splat
    local.set $b2x4
    local.get $oneMinusB2
    f32x4.splat
    local.set $oneMinusB2x4
    local.get $eps
    f32x4.splat
    local.set $epsX4
    local.get $epsRoot
    f32x4.splat
    local.set $epsRootX4
    local.get $bc1
    f32x4.splat
    local.set $bc1x4
    local.get $bc2
    f32x4.splat
    local.set $bc2x4
    local.get $bc1Next
    f32x4.splat
    local.set $bc1NextX4
    i32.const 0
    local.set $i
    block  ;; label = @1
      loop  ;; label = @2
        local.get $i
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $gPtr
        local.get $i
        i32.add
        v128.load
        local.set $g
        local.get $oneMinusB1x4
        local.get $g
        f32x4.mul
        local.get $b1x4
        local.get $muPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $mu
        local.get $muOut
        local.get $i
        i32.add
        local.get $mu
        v128.store
        local.get $oneMinusB2x4
        local.get $g
        local.get $g
        f32x4.mul
        f32x4.mul
        local.get $b2x4
        local.get $nuPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $nu
        local.get $nuOut
        local.get $i
        i32.add
        local.get $nu
        v128.store
        local.get $out
        local.get $i
        i32.add
        local.get $mu
        local.get $bc1x4
        f32x4.div
        local.get $nu
        local.get $bc2x4
        f32x4.div
        f32x4.sqrt
        local.get $epsX4
        f32x4.add
        f32x4.div
        v128.store
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        br 0 (;@2;)
      end
    end)
  (func $adamEpsRoot (type 0) (param $gPtr i32) (param $muPtr i32) (param $nuPtr i32) (param $muOut i32) (param $nuOut i32) (param $out i32) (param $bytes i32) (param $b1 f32) (param $oneMinusB1 f32) (param $b2 f32) (param $oneMinusB2 f32) (param $eps f32) (param $epsRoot f32) (param $bc1 f32) (param $bc2 f32) (param $bc1Next f32)
    (local $i i32) (local $b1x4 v128) (local $oneMinusB1x4 v128) (local $b2x4 v128) (local $oneMinusB2x4 v128) (local $epsX4 v128) (local $epsRootX4 v128) (local $bc1x4 v128) (local $bc2x4 v128) (local $bc1NextX4 v128) (local $g v128) (local $mu v128) (local $nu v128)
    local.get $b1
    f32x4.splat
    local.set $b1x4
    local.get $oneMinusB1
    f32x4.splat
    local.set $oneMinusB1x4
    local.get $b2
    f32x4.splat
    local.set $b2x4
    local.get $oneMinusB2
    f32x4.splat
    local.set $oneMinusB2x4
    local.get $eps
    f32x4.splat
    local.set $epsX4
    local.get $epsRoot
    f32x4.splat
    local.set $epsRootX4
    local.get $bc1
    f32x4.splat
    local.set $bc1x4
    local.get $bc2
    f32x4.splat
    local.set $bc2x4
    local.get $bc1Next
    f32x4.splat
    local.set $bc1NextX4
    i32.const 0
    local.set $i
    block  ;; label = @1
      loop  ;; label = @2
        local.get $i
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $gPtr
        local.get $i
        i32.add
        v128.load
        local.set $g
        local.get $oneMinusB1x4
        local.get $g
        f32x4.mul
        local.get $b1x4
        local.get $muPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $mu
        local.get $muOut
        local.get $i
        i32.add
        local.get $mu
        v128.store
        local.get $oneMinusB2x4
        local.get $g
        local.get $g
        f32x4.mul
        f32x4.mul
        local.get $b2x4
        local.get $nuPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $nu
        local.get $nuOut
        local.get $i
        i32.add
        local.get $nu
        v128.store
        local.get $out
        local.get $i
        i32.add
        local.get $mu
        local.get $bc1x4
        f32x4.div
        local.get $nu
        local.get $bc2x4
        f32x4.div
        local.get $epsRootX4
        f32x4.add
        f32x4.sqrt
        local.get $epsX4
        f32x4.add
        f32x4.div
        v128.store
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        br 0 (;@2;)
      end
    end)
  (func $nadam (type 0) (param $gPtr i32) (param $muPtr i32) (param $nuPtr i32) (param $muOut i32) (param $nuOut i32) (param $out i32) (param $bytes i32) (param $b1 f32) (param $oneMinusB1 f32) (param $b2 f32) (param $oneMinusB2 f32) (param $eps f32) (param $epsRoot f32) (param $bc1 f32) (param $bc2 f32) (param $bc1Next f32)
    (local $i i32) (local $b1x4 v128) (local $oneMinusB1x4 v128) (local $b2x4 v128) (local $oneMinusB2x4 v128) (local $epsX4 v128) (local $epsRootX4 v128) (local $bc1x4 v128) (local $bc2x4 v128) (local $bc1NextX4 v128) (local $g v128) (local $mu v128) (local $nu v128)
    local.get $b1
    f32x4.splat
    local.set $b1x4
    local.get $oneMinusB1
    f32x4.splat
    local.set $oneMinusB1x4
    local.get $b2
    f32x4.splat
    local.set $b2x4
    local.get $oneMinusB2
    f32x4.splat
    local.set $oneMinusB2x4
    local.get $eps
    f32x4.splat
    local.set $epsX4
    local.get $epsRoot
    f32x4.splat
    local.set $epsRootX4
    local.get $bc1
    f32x4.splat
    local.set $bc1x4
    local.get $bc2
    f32x4.splat
    local.set $bc2x4
    local.get $bc1Next
    f32x4.splat
    local.set $bc1NextX4
    i32.const 0
    local.set $i
    block  ;; label = @1
      loop  ;; label = @2
        local.get $i
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $gPtr
        local.get $i
        i32.add
        v128.load
        local.set $g
        local.get $oneMinusB1x4
        local.get $g
        f32x4.mul
        local.get $b1x4
        local.get $muPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $mu
        local.get $muOut
        local.get $i
        i32.add
        local.get $mu
        v128.store
        local.get $oneMinusB2x4
        local.get $g
        local.get $g
        f32x4.mul
        f32x4.mul
        local.get $b2x4
        local.get $nuPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $nu
        local.get $nuOut
        local.get $i
        i32.add
        local.get $nu
        v128.store
        local.get $out
        local.get $i
        i32.add
        local.get $b1x4
        local.get $mu
        local.get $bc1NextX4
        f32x4.div
        f32x4.mul
        local.get $oneMinusB1x4
        local.get $g
        local.get $bc1x4
        f32x4.div
        f32x4.mul
        f32x4.add
        local.get $nu
        local.get $bc2x4
        f32x4.div
        f32x4.sqrt
        local.get $epsX4
        f32x4.add
        f32x4.div
        v128.store
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        br 0 (;@2;)
      end
    end)
  (func $nadamEpsRoot (type 0) (param $gPtr i32) (param $muPtr i32) (param $nuPtr i32) (param $muOut i32) (param $nuOut i32) (param $out i32) (param $bytes i32) (param $b1 f32) (param $oneMinusB1 f32) (param $b2 f32) (param $oneMinusB2 f32) (param $eps f32) (param $epsRoot f32) (param $bc1 f32) (param $bc2 f32) (param $bc1Next f32)
    (local $i i32) (local $b1x4 v128) (local $oneMinusB1x4 v128) (local $b2x4 v128) (local $oneMinusB2x4 v128) (local $epsX4 v128) (local $epsRootX4 v128) (local $bc1x4 v128) (local $bc2x4 v128) (local $bc1NextX4 v128) (local $g v128) (local $mu v128) (local $nu v128)
    local.get $b1
    f32x4.splat
    local.set $b1x4
    local.get $oneMinusB1
    f32x4.splat
    local.set $oneMinusB1x4
    local.get $b2
    f32x4.splat
    local.set $b2x4
    local.get $oneMinusB2
    f32x4.splat
    local.set $oneMinusB2x4
    local.get $eps
    f32x4.splat
    local.set $epsX4
    local.get $epsRoot
    f32x4.splat
    local.set $epsRootX4
    local.get $bc1
    f32x4.splat
    local.set $bc1x4
    local.get $bc2
    f32x4.splat
    local.set $bc2x4
    local.get $bc1Next
    f32x4.splat
    local.set $bc1NextX4
    i32.const 0
    local.set $i
    block  ;; label = @1
      loop  ;; label = @2
        local.get $i
        local.get $bytes
        i32.ge_u
        br_if 1 (;@1;)
        local.get $gPtr
        local.get $i
        i32.add
        v128.load
        local.set $g
        local.get $oneMinusB1x4
        local.get $g
        f32x4.mul
        local.get $b1x4
        local.get $muPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $mu
        local.get $muOut
        local.get $i
        i32.add
        local.get $mu
        v128.store
        local.get $oneMinusB2x4
        local.get $g
        local.get $g
        f32x4.mul
        f32x4.mul
        local.get $b2x4
        local.get $nuPtr
        local.get $i
        i32.add
        v128.load
        f32x4.mul
        f32x4.add
        local.set $nu
        local.get $nuOut
        local.get $i
        i32.add
        local.get $nu
        v128.store
        local.get $out
        local.get $i
        i32.add
        local.get $b1x4
        local.get $mu
        local.get $bc1NextX4
        f32x4.div
        f32x4.mul
        local.get $oneMinusB1x4
        local.get $g
        local.get $bc1x4
        f32x4.div
        f32x4.mul
        f32x4.add
        local.get $nu
        local.get $bc2x4
        f32x4.div
        local.get $epsRootX4
        f32x4.add
        f32x4.sqrt
        local.get $epsX4
        f32x4.add
        f32x4.div
        v128.store
        local.get $i
        i32.const 16
        i32.add
        local.set $i
        br 0 (;@2;)
      end
    end)
  (export "adam" (func $adam))
  (export "adamEpsRoot" (func $adamEpsRoot))
  (export "nadam" (func $nadam))
  (export "nadamEpsRoot" (func $nadamEpsRoot)))
