(module
  (type (;0;) (func (param i32 i32 i32 i32)))
  (func $bits (type 0) (param $k0 i32) (param $k1 i32) (param $start i32) (param $n i32)
    (local $ks0 v128) (local $ks1 v128) (local $ks2 v128) (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128) (local $ctr v128) (local $ks1Plus4 v128) (local $inj0 v128) (local $inj1 v128) (local $inj2 v128) (local $inj3 v128) (local $inj4 v128) (local $ptr i32) (local $end i32)
    local.get $k0
    i32x4.splat
    local.set $ks0
    local.get $k1
    i32x4.splat
    local.set $ks1
    local.get $k0
    local.get $k1
    i32.xor
    i32.const 466688986
    i32.xor
    i32x4.splat
    local.set $ks2
    local.get $ks1
    v128.const i32x4 0x00000004 0x00000004 0x00000004 0x00000004
    i32x4.add
    local.set $ks1Plus4
    local.get $ks2
    v128.const i32x4 0x00000001 0x00000001 0x00000001 0x00000001
    i32x4.add
    local.set $inj0
    local.get $ks0
    v128.const i32x4 0x00000002 0x00000002 0x00000002 0x00000002
    i32x4.add
    local.set $inj1
    local.get $ks1
    v128.const i32x4 0x00000003 0x00000003 0x00000003 0x00000003
    i32x4.add
    local.set $inj2
    local.get $ks2
    v128.const i32x4 0x00000004 0x00000004 0x00000004 0x00000004
    i32x4.add
    local.set $inj3
    local.get $ks0
    v128.const i32x4 0x00000005 0x00000005 0x00000005 0x00000005
    i32x4.add
    local.set $inj4
    local.get $start
    i32x4.splat
    v128.const i32x4 0x00000000 0x00000001 0x00000002 0x00000003
    i32x4.add
    local.set $ctr
    local.get $n
    i32.const 2
    i32.shl
    local.set $end
    i32.const 0
    local.set $ptr
    block  ;; label = @1
      loop  ;; label = @2
        local.get $ptr
        local.get $end
        i32.ge_u
        br_if 1 (;@1;)
        local.get $ks0
        local.set $x0
        local.get $ks0
        local.set $y0
        local.get $ctr
        local.get $ks1
        i32x4.add
        local.set $x1
        local.get $ctr
        local.get $ks1Plus4
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 13
        i32x4.shl
        local.get $x1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 13
        i32x4.shl
        local.get $y1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 15
        i32x4.shl
        local.get $x1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 15
        i32x4.shl
        local.get $y1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 26
        i32x4.shl
        local.get $x1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 26
        i32x4.shl
        local.get $y1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 6
        i32x4.shl
        local.get $x1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 6
        i32x4.shl
        local.get $y1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks1
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj0
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks1
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj0
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 17
        i32x4.shl
        local.get $x1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 17
        i32x4.shl
        local.get $y1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 29
        i32x4.shl
        local.get $x1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 29
        i32x4.shl
        local.get $y1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 16
        i32x4.shl
        local.get $x1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 16
        i32x4.shl
        local.get $y1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 24
        i32x4.shl
        local.get $x1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 24
        i32x4.shl
        local.get $y1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks2
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj1
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks2
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj1
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 13
        i32x4.shl
        local.get $x1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 13
        i32x4.shl
        local.get $y1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 15
        i32x4.shl
        local.get $x1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 15
        i32x4.shl
        local.get $y1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 26
        i32x4.shl
        local.get $x1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 26
        i32x4.shl
        local.get $y1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 6
        i32x4.shl
        local.get $x1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 6
        i32x4.shl
        local.get $y1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks0
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj2
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks0
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj2
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 17
        i32x4.shl
        local.get $x1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 17
        i32x4.shl
        local.get $y1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 29
        i32x4.shl
        local.get $x1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 29
        i32x4.shl
        local.get $y1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 16
        i32x4.shl
        local.get $x1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 16
        i32x4.shl
        local.get $y1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 24
        i32x4.shl
        local.get $x1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 24
        i32x4.shl
        local.get $y1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks1
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj3
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks1
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj3
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 13
        i32x4.shl
        local.get $x1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 13
        i32x4.shl
        local.get $y1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 15
        i32x4.shl
        local.get $x1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 15
        i32x4.shl
        local.get $y1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 26
        i32x4.shl
        local.get $x1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 26
        i32x4.shl
        local.get $y1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 6
        i32x4.shl
        local.get $x1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 6
        i32x4.shl
        local.get $y1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks2
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj4
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks2
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj4
        i32x4.add
        local.set $y1
        local.get $ptr
        local.get $x0
        local.get $x1
        v128.xor
        v128.store
        local.get $ptr
        local.get $y0
        local.get $y1
        v128.xor
        v128.store offset=16
        local.get $ctr
        v128.const i32x4 0x00000008 0x00000008 0x00000008 0x00000008
        i32x4.add
        local.set $ctr
        local.get $ptr
        i32.const 32
        i32.add
        local.set $ptr
        br 0 (;@2;)
      end
    end)
  (func $unif (type 0) (param $k0 i32) (param $k1 i32) (param $start i32) (param $n i32)
    (local $ks0 v128) (local $ks1 v128) (local $ks2 v128) (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128) (local $ctr v128) (local $ks1Plus4 v128) (local $inj0 v128) (local $inj1 v128) (local $inj2 v128) (local $inj3 v128) (local $inj4 v128) (local $ptr i32) (local $end i32)
    local.get $k0
    i32x4.splat
    local.set $ks0
    local.get $k1
    i32x4.splat
    local.set $ks1
    local.get $k0
    local.get $k1
    i32.xor
    i32.const 466688986
    i32.xor
    i32x4.splat
    local.set $ks2
    local.get $ks1
    v128.const i32x4 0x00000004 0x00000004 0x00000004 0x00000004
    i32x4.add
    local.set $ks1Plus4
    local.get $ks2
    v128.const i32x4 0x00000001 0x00000001 0x00000001 0x00000001
    i32x4.add
    local.set $inj0
    local.get $ks0
    v128.const i32x4 0x00000002 0x00000002 0x00000002 0x00000002
    i32x4.add
    local.set $inj1
    local.get $ks1
    v128.const i32x4 0x00000003 0x00000003 0x00000003 0x00000003
    i32x4.add
    local.set $inj2
    local.get $ks2
    v128.const i32x4 0x00000004 0x00000004 0x00000004 0x00000004
    i32x4.add
    local.set $inj3
    local.get $ks0
    v128.const i32x4 0x00000005 0x00000005 0x00000005 0x00000005
    i32x4.add
    local.set $inj4
    local.get $start
    i32x4.splat
    v128.const i32x4 0x00000000 0x00000001 0x00000002 0x00000003
    i32x4.add
    local.set $ctr
    local.get $n
    i32.const 2
    i32.shl
    local.set $end
    i32.const 0
    local.set $ptr
    block  ;; label = @1
      loop  ;; label = @2
        local.get $ptr
        local.get $end
        i32.ge_u
        br_if 1 (;@1;)
        local.get $ks0
        local.set $x0
        local.get $ks0
        local.set $y0
        local.get $ctr
        local.get $ks1
        i32x4.add
        local.set $x1
        local.get $ctr
        local.get $ks1Plus4
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 13
        i32x4.shl
        local.get $x1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 13
        i32x4.shl
        local.get $y1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 15
        i32x4.shl
        local.get $x1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 15
        i32x4.shl
        local.get $y1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 26
        i32x4.shl
        local.get $x1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 26
        i32x4.shl
        local.get $y1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 6
        i32x4.shl
        local.get $x1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 6
        i32x4.shl
        local.get $y1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks1
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj0
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks1
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj0
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 17
        i32x4.shl
        local.get $x1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 17
        i32x4.shl
        local.get $y1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 29
        i32x4.shl
        local.get $x1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 29
        i32x4.shl
        local.get $y1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 16
        i32x4.shl
        local.get $x1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 16
        i32x4.shl
        local.get $y1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 24
        i32x4.shl
        local.get $x1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 24
        i32x4.shl
        local.get $y1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks2
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj1
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks2
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj1
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 13
        i32x4.shl
        local.get $x1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 13
        i32x4.shl
        local.get $y1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 15
        i32x4.shl
        local.get $x1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 15
        i32x4.shl
        local.get $y1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 26
        i32x4.shl
        local.get $x1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 26
        i32x4.shl
        local.get $y1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 6
        i32x4.shl
        local.get $x1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 6
        i32x4.shl
        local.get $y1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks0
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj2
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks0
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj2
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 17
        i32x4.shl
        local.get $x1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 17
        i32x4.shl
        local.get $y1
        i32.const 15
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 29
        i32x4.shl
        local.get $x1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 29
        i32x4.shl
        local.get $y1
        i32.const 3
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 16
        i32x4.shl
        local.get $x1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 16
        i32x4.shl
        local.get $y1
        i32.const 16
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 24
        i32x4.shl
        local.get $x1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 24
        i32x4.shl
        local.get $y1
        i32.const 8
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks1
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj3
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks1
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj3
        i32x4.add
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 13
        i32x4.shl
        local.get $x1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 13
        i32x4.shl
        local.get $y1
        i32.const 19
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 15
        i32x4.shl
        local.get $x1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 15
        i32x4.shl
        local.get $y1
        i32.const 17
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 26
        i32x4.shl
        local.get $x1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 26
        i32x4.shl
        local.get $y1
        i32.const 6
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $x1
        i32x4.add
        local.set $x0
        local.get $y0
        local.get $y1
        i32x4.add
        local.set $y0
        local.get $x1
        i32.const 6
        i32x4.shl
        local.get $x1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $x0
        v128.xor
        local.set $x1
        local.get $y1
        i32.const 6
        i32x4.shl
        local.get $y1
        i32.const 26
        i32x4.shr_u
        v128.or
        local.get $y0
        v128.xor
        local.set $y1
        local.get $x0
        local.get $ks2
        i32x4.add
        local.set $x0
        local.get $x1
        local.get $inj4
        i32x4.add
        local.set $x1
        local.get $y0
        local.get $ks2
        i32x4.add
        local.set $y0
        local.get $y1
        local.get $inj4
        i32x4.add
        local.set $y1
        local.get $ptr
        local.get $x0
        local.get $x1
        v128.xor
        i32.const 9
        i32x4.shr_u
        v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
        v128.or
        v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
        f32x4.sub
        v128.store
        local.get $ptr
        local.get $y0
        local.get $y1
        v128.xor
        i32.const 9
        i32x4.shr_u
        v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
        v128.or
        v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
        f32x4.sub
        v128.store offset=16
        local.get $ctr
        v128.const i32x4 0x00000008 0x00000008 0x00000008 0x00000008
        i32x4.add
        local.set $ctr
        local.get $ptr
        i32.const 32
        i32.add
        local.set $ptr
        br 0 (;@2;)
      end
    end)
  (memory (;0;) 64)
  (export "m" (memory 0))
  (export "bits" (func $bits))
  (export "unif" (func $unif)))
