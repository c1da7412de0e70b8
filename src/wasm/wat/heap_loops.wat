(module
  (type (;0;) (func (param i32 i32 i32 i32 i32)))
  (type (;1;) (func (param i32 i32 i32 i32 i32 f32)))
  (import "env" "memory" (memory (;0;) 1))
  (func $sumRows (type 0) (param $src i32) (param $acc i32) (param $rows i32) (param $colBytes i32) (param $rowStride i32)
    (local $c i32) (local $a i32) (local $v v128)
    block  ;; label = @1
      loop  ;; label = @2
        local.get $rows
        i32.eqz
        br_if 1 (;@1;)
        i32.const 0
        local.set $c
        block  ;; label = @3
          loop  ;; label = @4
            local.get $c
            local.get $colBytes
            i32.ge_u
            br_if 1 (;@3;)
            local.get $src
            local.get $c
            i32.add
            v128.load
            local.set $v
            local.get $acc
            local.get $c
            i32.const 1
            i32.shl
            i32.add
            local.set $a
            local.get $a
            local.get $a
            v128.load
            local.get $v
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store
            local.get $a
            local.get $a
            v128.load offset=16
            local.get $v
            local.get $v
            i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
            f64x2.promote_low_f32x4
            f64x2.add
            v128.store offset=16
            local.get $c
            i32.const 16
            i32.add
            local.set $c
            br 0 (;@4;)
          end
        end
        local.get $src
        local.get $rowStride
        i32.add
        local.set $src
        local.get $rows
        i32.const 1
        i32.sub
        local.set $rows
        br 0 (;@2;)
      end
    end)
  (func $poolGradRow (type 1) (param $g i32) (param $d i32) (param $ow i32) (param $kw i32) (param $cBytes i32) (param $scale f32)
    (local $kx i32) (local $ch i32) (local $s v128)
    local.get $scale
    f32x4.splat
    local.set $s
    block  ;; label = @1
      loop  ;; label = @2
        local.get $ow
        i32.eqz
        br_if 1 (;@1;)
        local.get $kw
        local.set $kx
        block  ;; label = @3
          loop  ;; label = @4
            local.get $kx
            i32.eqz
            br_if 1 (;@3;)
            i32.const 0
            local.set $ch
            block  ;; label = @5
              loop  ;; label = @6
                local.get $ch
                local.get $cBytes
                i32.ge_u
                br_if 1 (;@5;)
                local.get $d
                local.get $ch
                i32.add
                local.get $g
                local.get $ch
                i32.add
                v128.load
                local.get $s
                f32x4.mul
                v128.store
                local.get $ch
                i32.const 16
                i32.add
                local.set $ch
                br 0 (;@6;)
              end
            end
            local.get $d
            local.get $cBytes
            i32.add
            local.set $d
            local.get $kx
            i32.const 1
            i32.sub
            local.set $kx
            br 0 (;@4;)
          end
        end
        local.get $g
        local.get $cBytes
        i32.add
        local.set $g
        local.get $ow
        i32.const 1
        i32.sub
        local.set $ow
        br 0 (;@2;)
      end
    end)
  (export "sumRows" (func $sumRows))
  (export "poolGradRow" (func $poolGradRow)))
