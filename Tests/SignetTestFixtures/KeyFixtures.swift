/// Keys made with openssl 3 for these tests only (never used anywhere else), and signatures
/// openssl made with them over `KeyFixtures.message`, to prove interoperability.
public enum KeyFixtures {
    public static let message = "signet interop"
    public static let rsa1024Public = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCxNfnSQDi86I289Ecr9LLXCgma
        G2CB5vYyDAQpjC/JD8Zb2j6982eqYdLR6gEXpVF96tWhIBCEY640MSGeR+uDMxrh
        B12+1fW1aka3fzWuQKX1Knu1xN9DAybpwiAPKOU3bhbjY9H0yHE4T2QeKcr9zxl3
        agNFGCiIS+ddPsh2pwIDAQAB
        -----END PUBLIC KEY-----
        """
    public static let rsa2048Public = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwLNJhLwajdf2ijVdxcqF
        BBZS6FofxG2eVnKTlKT8Bhp7iITc50rkat2FULeAmlZ1cMs89CgIdYHjQ9La4Ej7
        r018koK4D3uaUC4b8drUKCR7DzM6xAf4KZppUi4n/vdD7CDeDoyuEsGxqtC34Zrp
        o8ZeXhsN+Nmq3R868uq9wg2uHvlwRrf7hGrfO/O/QTr2EFhpnbdUFct6KrE/NnDP
        zf/VyjmhtuAZmbP1TnovHzi49XK8vgwG8SAS8dkrbQOt9Gt/XrdT8HrTBEvSqaIK
        81EgmqGXFAY/yqq7RM2bk7IuzZnyK/lUSied01eWUCt/dJ+kylphfRANCdg30iVQ
        JQIDAQAB
        -----END PUBLIC KEY-----
        """
    public static let rsa2048PKCS1Public = """
        -----BEGIN RSA PUBLIC KEY-----
        MIIBCgKCAQEAwLNJhLwajdf2ijVdxcqFBBZS6FofxG2eVnKTlKT8Bhp7iITc50rk
        at2FULeAmlZ1cMs89CgIdYHjQ9La4Ej7r018koK4D3uaUC4b8drUKCR7DzM6xAf4
        KZppUi4n/vdD7CDeDoyuEsGxqtC34Zrpo8ZeXhsN+Nmq3R868uq9wg2uHvlwRrf7
        hGrfO/O/QTr2EFhpnbdUFct6KrE/NnDPzf/VyjmhtuAZmbP1TnovHzi49XK8vgwG
        8SAS8dkrbQOt9Gt/XrdT8HrTBEvSqaIK81EgmqGXFAY/yqq7RM2bk7IuzZnyK/lU
        Sied01eWUCt/dJ+kylphfRANCdg30iVQJQIDAQAB
        -----END RSA PUBLIC KEY-----
        """
    public static let rsa2048PrivatePKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDAs0mEvBqN1/aK
        NV3FyoUEFlLoWh/EbZ5WcpOUpPwGGnuIhNznSuRq3YVQt4CaVnVwyzz0KAh1geND
        0trgSPuvTXySgrgPe5pQLhvx2tQoJHsPMzrEB/gpmmlSLif+90PsIN4OjK4SwbGq
        0Lfhmumjxl5eGw342ardHzry6r3CDa4e+XBGt/uEat87879BOvYQWGmdt1QVy3oq
        sT82cM/N/9XKOaG24BmZs/VOei8fOLj1cry+DAbxIBLx2SttA630a39et1PwetME
        S9KpogrzUSCaoZcUBj/KqrtEzZuTsi7NmfIr+VRKJ53TV5ZQK390n6TKWmF9EA0J
        2DfSJVAlAgMBAAECggEAUkU5Qh49CAoIDAG0w1kvaQtO4jx4C5jxXN8V+wRlRQXR
        b/uphGYJF0b0P/3YPgxjn4Blyae91M1bhf1jzRXbvoBKixKcGqAexdSpwZw3r9vD
        Xj30/PSaEskF5jwmf0h6CzoNFBEj0IY5oD/0AbHtxipO58aNNI1Z0YYf2M43rb0D
        ppgKl5UXkatQINCiWX+lbZ3DzvNS90iDfSY/867EMX1UrnxmjoHQSkSUZEstSiHk
        Z92KqItFlMBfxcGk5+0lGPv0fZgkNf+PldnbD7eQPB5cGnEMGh5DFBzErRjHoKHl
        jYuIKUyUvEYV0BJ6k3TszkPRZNRHKtdWnLLugvPtEQKBgQDnVCyu1X3/YOxbCME5
        SYwuDSdvgu1OM8+Seyj0Rm1WNr1I1LVDa4IPckNp3wzR/eU8cPoLtY2RetTQfVb2
        a2gbTau7Z9OIgi8tPqwogoc+Umej1A+0lDQxzwGlFkGTeqA+j4gYCqf5y8RRhlr7
        VMCh46vkjZm6CtmeKEaNMGjxJwKBgQDVQHa9kP7/VX8oobcM/jcnVmvsMObq4vC3
        p4nIfHM+vVgWM5z9LKiZlEXY+j7oMGANgD6yqTZ9Evykqdrbzbrtd5CwASr/O8Gf
        pbKKaIRiPgnNEDrxOBqwmdYq6mOVrlZt2bWS8LWcujxW0jMAcw85B+zWTLr7Qzwq
        aB/IONMr0wKBgQCn4bTT5Widj++4WXAxbSjouu8lxHUITh2UhwE/1mS/LtbMJmKu
        XTV0lE5MZW3ecE6PQMaW/NmS/Pu5m10jVOum9QVu6njgFuq6AUPb2m7gUdmZUetb
        +Dqw8zSUZMSOjW4CORRhrkodxT3ilIku4WEznBFBu2oXVIx+dWhOSxW9/QKBgQC9
        pd2zin5sPvGeBetP38jW8BF8dKT34SkoexOau6qV8jejTvVfZlbudiGD7FEDlvnl
        J9cadkfiBX+vROtBLP3/b6S6Ed/WKqNwQiC83GRXJkr7FmME4NtDkRwZAGfd1rRA
        byv+aJlqr2k34SnATZMNKhIjJwvmpo2cPQt+uaJ7RwKBgFaC0cVV5iFSk90Vno+c
        gOmw8YdeX0kC+7BkelSsG+gxvdysKWFg1TNaCasYmWnqr8omipWC54XYM6NPod/D
        aTJCsBAQlHWwArVw7aztEGtalAJBil24cTBNe3USryy1wv36PGP3WxY/I/OlmsR/
        UzvxDlBka5CKRQ8rghcAxOnB
        -----END PRIVATE KEY-----
        """
    public static let rsa2048PrivatePKCS1 = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEpAIBAAKCAQEAwLNJhLwajdf2ijVdxcqFBBZS6FofxG2eVnKTlKT8Bhp7iITc
        50rkat2FULeAmlZ1cMs89CgIdYHjQ9La4Ej7r018koK4D3uaUC4b8drUKCR7DzM6
        xAf4KZppUi4n/vdD7CDeDoyuEsGxqtC34Zrpo8ZeXhsN+Nmq3R868uq9wg2uHvlw
        Rrf7hGrfO/O/QTr2EFhpnbdUFct6KrE/NnDPzf/VyjmhtuAZmbP1TnovHzi49XK8
        vgwG8SAS8dkrbQOt9Gt/XrdT8HrTBEvSqaIK81EgmqGXFAY/yqq7RM2bk7IuzZny
        K/lUSied01eWUCt/dJ+kylphfRANCdg30iVQJQIDAQABAoIBAFJFOUIePQgKCAwB
        tMNZL2kLTuI8eAuY8VzfFfsEZUUF0W/7qYRmCRdG9D/92D4MY5+AZcmnvdTNW4X9
        Y80V276ASosSnBqgHsXUqcGcN6/bw1499Pz0mhLJBeY8Jn9Iegs6DRQRI9CGOaA/
        9AGx7cYqTufGjTSNWdGGH9jON629A6aYCpeVF5GrUCDQoll/pW2dw87zUvdIg30m
        P/OuxDF9VK58Zo6B0EpElGRLLUoh5GfdiqiLRZTAX8XBpOftJRj79H2YJDX/j5XZ
        2w+3kDweXBpxDBoeQxQcxK0Yx6Ch5Y2LiClMlLxGFdASepN07M5D0WTURyrXVpyy
        7oLz7RECgYEA51QsrtV9/2DsWwjBOUmMLg0nb4LtTjPPknso9EZtVja9SNS1Q2uC
        D3JDad8M0f3lPHD6C7WNkXrU0H1W9mtoG02ru2fTiIIvLT6sKIKHPlJno9QPtJQ0
        Mc8BpRZBk3qgPo+IGAqn+cvEUYZa+1TAoeOr5I2ZugrZnihGjTBo8ScCgYEA1UB2
        vZD+/1V/KKG3DP43J1Zr7DDm6uLwt6eJyHxzPr1YFjOc/SyomZRF2Po+6DBgDYA+
        sqk2fRL8pKna28267XeQsAEq/zvBn6WyimiEYj4JzRA68TgasJnWKupjla5Wbdm1
        kvC1nLo8VtIzAHMPOQfs1ky6+0M8KmgfyDjTK9MCgYEAp+G00+VonY/vuFlwMW0o
        6LrvJcR1CE4dlIcBP9Zkvy7WzCZirl01dJROTGVt3nBOj0DGlvzZkvz7uZtdI1Tr
        pvUFbup44BbqugFD29pu4FHZmVHrW/g6sPM0lGTEjo1uAjkUYa5KHcU94pSJLuFh
        M5wRQbtqF1SMfnVoTksVvf0CgYEAvaXds4p+bD7xngXrT9/I1vARfHSk9+EpKHsT
        mruqlfI3o071X2ZW7nYhg+xRA5b55SfXGnZH4gV/r0TrQSz9/2+kuhHf1iqjcEIg
        vNxkVyZK+xZjBODbQ5EcGQBn3da0QG8r/miZaq9pN+EpwE2TDSoSIycL5qaNnD0L
        frmie0cCgYBWgtHFVeYhUpPdFZ6PnIDpsPGHXl9JAvuwZHpUrBvoMb3crClhYNUz
        WgmrGJlp6q/KJoqVgueF2DOjT6Hfw2kyQrAQEJR1sAK1cO2s7RBrWpQCQYpduHEw
        TXt1Eq8stcL9+jxj91sWPyPzpZrEf1M78Q5QZGuQikUPK4IXAMTpwQ==
        -----END RSA PRIVATE KEY-----
        """
    public static let p256PrivateSEC1WithParameters = """
        -----BEGIN EC PARAMETERS-----
        BggqhkjOPQMBBw==
        -----END EC PARAMETERS-----
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIL2o2uIwTXzicfkbkZ6UdHjusoJtxXfb1PXxgyHghBGUoAoGCCqGSM49
        AwEHoUQDQgAEXtnpjDQ1kCTgfn0QND0a93ZXGBGh7C19LdFXJe6YOA4WAca1MR6O
        vO6iaaWdKzQ90G9gZfxLN2MOq/kMeLOk4Q==
        -----END EC PRIVATE KEY-----
        """
    public static let p256PrivatePKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvaja4jBNfOJx+RuR
        npR0eO6ygm3Fd9vU9fGDIeCEEZShRANCAARe2emMNDWQJOB+fRA0PRr3dlcYEaHs
        LX0t0Vcl7pg4DhYBxrUxHo687qJppZ0rND3Qb2Bl/Es3Yw6r+Qx4s6Th
        -----END PRIVATE KEY-----
        """
    public static let p256Public = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXtnpjDQ1kCTgfn0QND0a93ZXGBGh
        7C19LdFXJe6YOA4WAca1MR6OvO6iaaWdKzQ90G9gZfxLN2MOq/kMeLOk4Q==
        -----END PUBLIC KEY-----
        """
    public static let p384Public = """
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAELdT2pB6VnwoWTjIZD4ZW3nQ6CqBQDFB8
        oNWdnekuPYR9/w6U2wyIF60mDxtqpxE4PtmE3BVSmWDvwluYU/e928rmXDv3xooh
        hrPwDNbXA2/QJDNKi5K1hSkHIzcDLgbi
        -----END PUBLIC KEY-----
        """
    public static let secp256k1Public = """
        -----BEGIN PUBLIC KEY-----
        MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEZZH4+9yu07Ggn+bb7e28HmbI+mTU2cKl
        aJ8w9UazOkIZ2YPBO7R/EDL7aTLnzyuQ0DMXKjr3evEygUEooDWq0g==
        -----END PUBLIC KEY-----
        """
    public static let ed25519Private = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIJeW7LKpXqmUV9ZkGwfvgvXR5nYh4iavJWb7fD+Itbtf
        -----END PRIVATE KEY-----
        """
    public static let ed25519Public = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEANSh3qKKzW/y/KTwmUm6YJjqKJqYoTKoF2fNhEtQ4+Ew=
        -----END PUBLIC KEY-----
        """
    public static let ed448Public = """
        -----BEGIN PUBLIC KEY-----
        MEMwBQYDK2VxAzoAscG3R5tshK9bTagYQeK3YASRlrqImJ+A8L3sAU+hApEUWnPC
        8D4mNkkKT61bfpzJn6V699JlEtEA
        -----END PUBLIC KEY-----
        """
    public static let p384Private = """
        -----BEGIN EC PRIVATE KEY-----
        MIGkAgEBBDCwKxZHAxs0ntKgFKEpNzyLq8H13+pqJhywQUOcOJ6q3E5CTnPvV+lV
        BroZ7jyQIlugBwYFK4EEACKhZANiAAQt1PakHpWfChZOMhkPhlbedDoKoFAMUHyg
        1Z2d6S49hH3/DpTbDIgXrSYPG2qnETg+2YTcFVKZYO/CW5hT973byuZcO/fGiiGG
        s/AM1tcDb9AkM0qLkrWFKQcjNwMuBuI=
        -----END EC PRIVATE KEY-----
        """
    public static let p256Signature = "MEUCIQD05TkOQcQCMFRlOMEJKrBX9EjnGMWXZ5ZNf16Rb4fRowIgLDwV2WO1M5tWXpm7HG-15hyFPyyQoZTt8LS9OKVII90"
    public static let rsa2048Signature =
        "M1XB8vc7lQYmvc8iHeUkJg-Ozp1fCQzz-2sjNXwo9FKard7VELqidVUslIruySl-oRlXfhbu5YZpfbgzs6bouFtrpzDmgbVpGjq0eEyJ6YiY8ywu9oUwfDeD6o2tIt6i-8og0HG2rO7eHNgMWWSRHybdsziO4wCKWssrjyy75OTybKZ9Iu2Si6WOQW7TOk99JzEZXJvDwokpi8A-aAxMv5Ft_utNtG80ZgBsE-1SFzNOYTz8dSCQOzmbMGwPbUuVHXops53t2yccxj_VUmkdwl_4g-I7fsjGAuLekIsp3_hLQz9BG09jPVxAnSU738qiPWIjpYdGGwinj-cZ667gow"
    public static let ed25519Signature = "KjQFnPqQ7Hp33rym51xlKkpJDV-_GdXHYC96p9KsIsxAbFu_0-1qAGUFL9bgi7AvX3HlTzaO-6TtnhAtEuvLBw"
}
