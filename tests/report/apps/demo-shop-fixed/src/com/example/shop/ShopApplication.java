package com.example.shop;

import android.app.Application;

/** Fixed: no SDK starts with the process; MainActivity starts them once the user has agreed. */
public class ShopApplication extends Application {
}
